package io.jlibp2p.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.Libp2pException;
import io.jlibp2p.core.conformance.EmbeddedStream;
import io.jlibp2p.core.conformance.InboundRecorder;
import io.jlibp2p.core.resource.StreamScope;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The perf server on a stream whose window the test opens: what it sends, and when. */
class PerfServerTest {

  private final EmbeddedStream stream = EmbeddedStream.open(StreamScope.UNLIMITED, 0);
  private final InboundRecorder recorder = new InboundRecorder();

  PerfServerTest() {
    Perf.handler().handle(stream);
    stream.pipeline().addLast(recorder);
  }

  @AfterEach
  void finish() {
    stream.finish();
  }

  private void send(ByteBuf bytes) {
    stream.onData(bytes);
    stream.runPendingTasks();
  }

  private void endOfStream() {
    stream.onRemoteClose();
    stream.runPendingTasks();
  }

  /** Opens the window by {@code bytes} and returns how many the server sent. */
  private long read(long bytes) {
    stream.grant(bytes);
    long sent = 0;
    ByteBuf data;
    while ((data = stream.pollSent()) != null) {
      sent += data.readableBytes();
      data.release();
    }
    return sent;
  }

  @Test
  void sendsExactlyTheCountAskedForOnceTheUploadIsOverThenEndsItsSide() {
    stream.grant(1 << 20);
    send(Unpooled.buffer().writeLong(100_000).writeZero(5000));
    assertNull(stream.pollSent(), "nothing goes out while the client uploads");
    endOfStream();
    assertEquals(100_000, read(0));
    assertTrue(stream.isWriteClosed());
    assertFalse(stream.isOpen());
  }

  @Test
  void aRequestSplitAcrossReadsIsPutTogether() {
    send(Unpooled.wrappedBuffer(new byte[] {0, 0, 0}));
    send(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0x01, 0x02, 9, 9}));
    endOfStream();
    assertEquals(0x0102, read(1 << 20));
    assertTrue(stream.isWriteClosed());
  }

  /** The spec allows any unsigned 64-bit count; one of 2^63 or more was once read as negative, and answered with nothing. */
  @Test
  void aCountOf2To63OrMoreIsServedForAsLongAsTheClientReads() {
    send(Unpooled.buffer().writeLong(-1)); // 2^64 - 1
    endOfStream();
    assertEquals(300_000, read(300_000));
    assertEquals(300_000, read(300_000));
    assertFalse(stream.isWriteClosed(), "still sending");
  }

  @Test
  void aClientThatEndsItsSideBeforeTheWholeRequestFailsTheStream() {
    send(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0, 1}));
    endOfStream();
    assertEquals(1, recorder.errors.size());
    Libp2pException error = assertInstanceOf(Libp2pException.class, recorder.errors.get(0));
    assertEquals("perf: the client ended its side before the 8-byte request", error.getMessage());
    assertTrue(stream.wasReset());
    assertEquals(0, read(1 << 20));
  }
}
