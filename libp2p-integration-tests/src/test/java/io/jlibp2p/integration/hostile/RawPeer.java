package io.jlibp2p.integration.hostile;

import io.jlibp2p.crypto.PrivateKey;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * A hand-driven attacker: one blocking TCP socket on loopback, from 127.0.0.2 by default so that
 * the victim can tell it from the honest peer on 127.0.0.1 (Linux loopback answers all of
 * 127/8). It speaks just enough of each protocol to reach the layer under attack, by hand-built
 * bytes: multistream-select, a plaintext/2.0.0 Exchange, a muxer proposal. Then the test writes
 * its frames with {@link #send} and, to make the victim's answers back up, simply never reads
 * (the receive buffer is small, so the victim's socket fills fast).
 */
final class RawPeer implements Closeable {

  /** The attackers' source address. */
  static final InetAddress ATTACKER = loopback(2);

  /** The honest peer's source address, for comparison in socket tables. */
  static final InetAddress HONEST = loopback(1);

  /**
   * A receive buffer this small (set before connecting, so the window is small from the start)
   * makes the victim's answers back up on its side after a few KiB, where they cost the victim.
   */
  static final int SMALL_RECEIVE_BUFFER = 4096;

  /** What {@link #awaitYamuxFrame} returns when the connection ended instead. */
  static final YamuxWire.Frame ENDED = new YamuxWire.Frame(-1, 0, 0, 0, new byte[0]);

  private static final int CONNECT_TIMEOUT_MILLIS = 5000;

  /**
   * The multistream messages the victim sent until it ended the connection.
   *
   * @param endedAfter the time from the start given to the end; empty if the connection was still
   *     open when the wait ended
   */
  record Answers(List<String> messages, Optional<Duration> endedAfter) {}

  private final Socket socket;
  private final OutputStream out;
  /**
   * Made on first read: thousands of attackers that never read would otherwise hold 8 KiB of
   * buffer each, on the heap the victim is measured by.
   */
  private InputStream in;

  private RawPeer(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
  }

  /** Connects from {@link #ATTACKER} with a {@link #SMALL_RECEIVE_BUFFER}. */
  static RawPeer connect(InetSocketAddress target) throws IOException {
    return connect(target, ATTACKER);
  }

  /** Connects from {@code source}, any address of 127/8, with a {@link #SMALL_RECEIVE_BUFFER}. */
  static RawPeer connect(InetSocketAddress target, InetAddress source) throws IOException {
    Socket socket = new Socket();
    try {
      // Before connecting, so that the window the victim sees is small from the first segment.
      socket.setReceiveBufferSize(SMALL_RECEIVE_BUFFER);
      // Thousands of attacker connections from one address: reuse ports still in TIME_WAIT.
      socket.setReuseAddress(true);
      socket.setTcpNoDelay(true);
      socket.bind(new InetSocketAddress(source, 0));
      socket.connect(target, CONNECT_TIMEOUT_MILLIS);
      return new RawPeer(socket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** The address {@code 127.0.{third}.{fourth}}. */
  static InetAddress loopback(int third, int fourth) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, (byte) third, (byte) fourth});
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an address", e);
    }
  }

  private static InetAddress loopback(int fourth) {
    return loopback(0, fourth);
  }

  /** This socket's local port, which names its connection in the socket tables. */
  int localPort() {
    return socket.getLocalPort();
  }

  /** What the victim sends, for an attacker that does read. */
  InputStream in() throws IOException {
    if (in == null) {
      in = new BufferedInputStream(socket.getInputStream());
    }
    return in;
  }

  /** Writes {@code bytes} at once; blocks while the victim does not read. */
  RawPeer send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /**
   * Writes {@code count} frames, {@code perWrite} at a time, the {@code i}th as {@code frame} makes
   * it; in whole writes, so the last may go past {@code count}. Blocks while the victim does not read.
   */
  RawPeer sendInBatches(int count, int perWrite, IntFunction<byte[]> frame) throws IOException {
    for (int first = 0; first < count; first += perWrite) {
      ByteArrayOutputStream batch = new ByteArrayOutputStream();
      for (int i = first; i < first + perWrite; i++) {
        batch.writeBytes(frame.apply(i));
      }
      send(batch.toByteArray());
    }
    return this;
  }

  /** Sends the multistream header and a proposal of {@code protocol}, and checks the echo. */
  RawPeer negotiate(String protocol) throws IOException {
    send(MultistreamWire.propose(protocol));
    MultistreamWire.expectAccepted(in(), protocol);
    return this;
  }

  /**
   * Reaches the muxer layer: plaintext/2.0.0 with a fresh identity (the victim reads its Exchange
   * and sends its own), then {@code muxerProtocol}. The victim's muxer is running once this returns.
   */
  RawPeer upgrade(String muxerProtocol) throws IOException {
    negotiate(PlaintextWire.PROTOCOL_ID);
    send(PlaintextWire.exchange(PrivateKey.generate()));
    PlaintextWire.readExchange(in());
    return negotiate(muxerProtocol);
  }

  /**
   * Reads and discards everything until the victim ends the connection (end of stream or a
   * reset), for at most {@code within}.
   *
   * @return the time from {@code sinceNanos} (a {@link System#nanoTime()}) to the end; empty if
   *     the connection was still open when {@code within} passed
   */
  Optional<Duration> awaitEnd(long sinceNanos, Duration within) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    byte[] sink = new byte[64 * 1024];
    socket.setSoTimeout(50);
    while (true) {
      try {
        if (in().read(sink) < 0) {
          return Optional.of(Duration.ofNanos(System.nanoTime() - sinceNanos));
        }
      } catch (SocketTimeoutException e) {
        if (System.nanoTime() - deadline > 0) {
          return Optional.empty();
        }
      } catch (SocketException e) {
        // Reset by the victim: cut off just the same.
        return Optional.of(Duration.ofNanos(System.nanoTime() - sinceNanos));
      }
    }
  }

  /**
   * Reads multistream messages until the victim ends the connection, for at most {@code within}.
   *
   * @param sinceNanos the {@link System#nanoTime()} the end is timed from
   */
  Answers readMultistreamUntilEnd(long sinceNanos, Duration within) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    List<String> messages = new ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return new Answers(messages, Optional.empty());
      }
      socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
      try {
        messages.add(MultistreamWire.read(in()));
      } catch (SocketTimeoutException e) {
        return new Answers(messages, Optional.empty());
      } catch (IOException e) {
        return new Answers(messages, Optional.of(Duration.ofNanos(System.nanoTime() - sinceNanos)));
      }
    }
  }

  /**
   * Reads yamux frames until one satisfies {@code wanted} or the victim ends the connection, for
   * at most {@code within}. Either counts as the victim acting: the result says which.
   *
   * @return the frame, or {@link #ENDED} if the connection ended first; empty if neither happened
   *     in time (a frame cut short by the deadline is lost: the reader is done with this peer)
   */
  Optional<YamuxWire.Frame> awaitYamuxFrame(Predicate<YamuxWire.Frame> wanted, Duration within)
      throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
      YamuxWire.Frame frame;
      try {
        frame = YamuxWire.read(in());
      } catch (SocketTimeoutException e) {
        return Optional.empty();
      } catch (IOException e) {
        return Optional.of(ENDED); // end of stream or a reset
      }
      if (wanted.test(frame)) {
        return Optional.of(frame);
      }
    }
  }

  /** Ends the connection with a reset rather than a FIN, leaving no TIME_WAIT behind. */
  void abort() {
    try {
      socket.setSoLinger(true, 0);
    } catch (SocketException e) {
      // Already closed: nothing to abort.
    }
    close();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing an attacker's socket can only fail if it is already gone.
    }
  }
}
