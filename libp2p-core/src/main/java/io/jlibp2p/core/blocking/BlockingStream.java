package io.jlibp2p.core.blocking;

import io.jlibp2p.core.blocking.internal.MessageFraming;
import io.jlibp2p.core.blocking.internal.StreamBridge;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.crypto.PeerId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * A stream read and written as a socket is: an {@link InputStream} whose reads block until data
 * arrives, and an {@link OutputStream} whose writes block while the stream cannot take more.
 * Made for virtual threads, one per stream; {@link BlockingStreams} makes them.
 *
 * <pre>{@code
 * try (BlockingStream stream = BlockingStreams.open(host, peer, "/echo/1.0.0").get()) {
 *   stream.outputStream().write("hello".getBytes(StandardCharsets.UTF_8));
 *   stream.closeWrite();
 *   byte[] echo = stream.inputStream().readAllBytes();
 * }
 * }</pre>
 *
 * <p>Most libp2p protocols exchange length-prefixed messages: {@link #writeMessage} and {@link
 * #readMessage} frame them as the rest of jlibp2p does.
 *
 * <p>Flow control holds end to end: the stream keeps at most a few hundred KiB that the reader has
 * not read, and past that the muxer gives the remote no more credit (yamux), so a slow reader slows
 * the writer down. A write blocks until the stream is writable, which it is not while the remote's
 * window is spent or the connection is backed up.
 *
 * <p>Every write is sent as it is made ({@code flush()} has nothing left to do), so many small
 * writes are many small frames: wrap {@link #outputStream()} in a {@link java.io.BufferedOutputStream}
 * for them, and flush it at the end of each message.
 *
 * <p>Ending: {@link #closeWrite()} (or closing {@link #outputStream()}) ends this side's writing
 * after what was written before, and the remote reads to its end; the stream can still be read.
 * {@link #close()} (or closing {@link #inputStream()}) ends both directions, still delivering what
 * was written, and drops what was not read. {@link #reset()} aborts. After a reset, from either
 * side or by the connection closing, reads and writes throw {@link StreamResetIOException}.
 *
 * <p>Threads: one thread may read while another writes. Reads and writes refuse to run on a Netty
 * event loop with an {@link IllegalStateException}: they would block the very loop that must serve
 * them. Nothing here is tied to the thread that made it.
 */
public final class BlockingStream implements AutoCloseable {

  private final StreamBridge bridge;
  private final InputStream in = new BridgeInputStream();
  private final OutputStream out = new BridgeOutputStream();

  BlockingStream(StreamBridge bridge) {
    this.bridge = bridge;
  }

  /** The stream underneath, for its attributes and its Netty side; do not read it or add handlers to it. */
  public Stream stream() {
    return bridge.stream();
  }

  /** The negotiated protocol. */
  public String protocol() {
    return stream().protocol();
  }

  /** The peer at the other end. */
  public PeerId remotePeer() {
    return stream().remotePeer();
  }

  /** The connection the stream belongs to. */
  public Connection connection() {
    return stream().connection();
  }

  /**
   * What the remote writes. {@code read} blocks until at least one byte arrives and returns -1
   * once the remote has ended its writing; {@code close()} closes the whole stream, as {@link
   * #close()}.
   */
  public InputStream inputStream() {
    return in;
  }

  /**
   * What this side writes. {@code write} blocks while the stream is not writable; {@code close()}
   * ends this side's writing, as {@link #closeWrite()}, and the stream can still be read.
   */
  public OutputStream outputStream() {
    return out;
  }

  /**
   * How long a read waits for data before it throws a {@link java.net.SocketTimeoutException};
   * zero, the default, waits as long as it takes. The stream stays usable after a timeout.
   */
  public void setReadTimeout(Duration timeout) {
    bridge.readTimeout(timeout);
  }

  /**
   * How long a write waits for the stream to become writable before it throws a {@link
   * java.net.SocketTimeoutException}; zero, the default, waits as long as it takes. What the
   * stream took before the timeout is still sent, and a graceful close waits for it: {@link
   * #reset()} the stream to abandon it. Under a timeout every write is copied, since only a copy
   * can be left behind.
   */
  public void setWriteTimeout(Duration timeout) {
    bridge.writeTimeout(timeout);
  }

  /**
   * Reads one length-prefixed message, {@code uvarint(length) || bytes}: the framing most libp2p
   * protocols use, and {@link io.jlibp2p.core.codec.LengthPrefixedFrameDecoder}'s.
   *
   * @return the message, or null if the remote ended its writing before another message began
   * @throws java.io.EOFException if the remote ended its writing inside a message
   * @throws IOException if the prefix is malformed or announces more than {@code maxBytes} (with
   *     a {@link io.jlibp2p.core.LimitExceededException} as its cause), or as {@link
   *     #inputStream()}'s reads throw
   */
  public byte[] readMessage(int maxBytes) throws IOException {
    return MessageFraming.read(in, maxBytes);
  }

  /**
   * Writes {@code message} with its uvarint length prefix, as {@link #readMessage} and {@link
   * io.jlibp2p.core.codec.LengthPrefixedFrameDecoder} read it. One thread at a time: a large
   * message goes out as two writes, which another thread's could come between.
   */
  public void writeMessage(byte[] message) throws IOException {
    MessageFraming.write(out, message);
  }

  /**
   * Ends this side's writing once what was written before is sent. Does not wait, even for a write
   * under way on another thread (that write ends the writing as it returns); idempotent.
   */
  public void closeWrite() {
    bridge.closeWrite();
  }

  /** Aborts the stream in both directions; the remote sees a reset. */
  public void reset() {
    bridge.reset();
  }

  /**
   * Closes the stream: what was written is still delivered, and what was not read is dropped. Does
   * not wait for the delivery; idempotent.
   */
  @Override
  public void close() {
    bridge.close();
  }

  @Override
  public String toString() {
    return "BlockingStream[" + stream() + "]";
  }

  private final class BridgeInputStream extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return bridge.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
      return bridge.read(into, offset, length);
    }

    @Override
    public int available() {
      return bridge.available();
    }

    @Override
    public void close() {
      BlockingStream.this.close();
    }
  }

  private final class BridgeOutputStream extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      bridge.write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] from, int offset, int length) throws IOException {
      bridge.write(from, offset, length);
    }

    /** Every write was sent as it was made. */
    @Override
    public void flush() {}

    @Override
    public void close() {
      closeWrite();
    }
  }
}
