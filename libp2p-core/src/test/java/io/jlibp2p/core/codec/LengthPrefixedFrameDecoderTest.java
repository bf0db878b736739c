package io.jlibp2p.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.conformance.CountingStreamScope;
import io.jlibp2p.core.conformance.EmbeddedStream;
import io.jlibp2p.core.conformance.InboundRecorder;
import io.jlibp2p.multiformats.DecodingException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The decoder on a stream: the messages, the failures, and the memory it reserves meanwhile. */
class LengthPrefixedFrameDecoderTest {

  private final CountingStreamScope scope = new CountingStreamScope(1000);
  private final EmbeddedStream stream = EmbeddedStream.open(scope, Long.MAX_VALUE);
  private final InboundRecorder recorder = new InboundRecorder();
  private boolean sawEndOfStream;

  LengthPrefixedFrameDecoderTest() {
    stream.pipeline().addLast("frames", new LengthPrefixedFrameDecoder(500)).addLast(recorder)
        .addLast(new ChannelInboundHandlerAdapter() {
          @Override
          public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            sawEndOfStream |= evt instanceof ChannelInputShutdownEvent;
          }
        });
  }

  @AfterEach
  void finish() {
    stream.finish();
    assertEquals(0, scope.outstanding(), "the decoder gave back every reservation itself");
    assertNull(scope.misuse());
  }

  private void receive(String hex) {
    stream.onData(Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex)));
    stream.runPendingTasks();
  }

  private void endOfStream() {
    stream.onRemoteClose();
    stream.runPendingTasks();
  }

  private Throwable onlyError() {
    assertEquals(1, recorder.errors.size(), recorder.errors.toString());
    Throwable error = recorder.errors.get(0);
    return error instanceof DecoderException ? error.getCause() : error;
  }

  @Test
  void reservesThePendingMessageUntilItIsWholeAndNoMore() {
    receive("0a0102"); // 10 bytes announced, 2 in
    assertEquals(10, scope.memory());
    receive("030405");
    assertEquals(10, scope.memory(), "reserved once per message, not per chunk");
    receive("060708090a" + "03"); // the message is whole; the next one's prefix says 3, none of it in
    assertEquals(List.of("0102030405060708090a"), recorder.hex());
    assertEquals(3, scope.memory());
    receive("aabbcc");
    assertEquals(List.of("0102030405060708090a", "aabbcc"), recorder.hex());
    assertEquals(0, scope.memory());
  }

  @Test
  void reservesNothingForAnIncompletePrefixOrAWholeMessage() {
    receive("ac"); // the first byte of a two-byte prefix
    assertEquals(0, scope.memory());
    receive("02" + "00".repeat(300));
    assertEquals(1, recorder.messages.size());
    assertEquals(300, recorder.messages.get(0).length);
    assertEquals(0, scope.memory());
  }

  @Test
  void aMessageTheScopeHasNoRoomForFailsTheDecoder() {
    CountingStreamScope small = new CountingStreamScope(5);
    EmbeddedStream limited = EmbeddedStream.open(small, Long.MAX_VALUE);
    InboundRecorder errors = new InboundRecorder();
    limited.pipeline().addLast(new LengthPrefixedFrameDecoder(500)).addLast(errors);
    limited.onData(Unpooled.wrappedBuffer(HexFormat.of().parseHex("0a0102")));
    limited.runPendingTasks();
    limited.onData(Unpooled.wrappedBuffer(HexFormat.of().parseHex("0304050607080900")));
    limited.runPendingTasks();
    assertEquals(1, errors.errors.size());
    LimitExceededException refused = assertInstanceOf(LimitExceededException.class, errors.errors.get(0).getCause());
    assertEquals("stream:test", refused.scope().orElseThrow());
    assertTrue(errors.messages.isEmpty(), "nothing is passed on after the refusal");
    limited.finish();
    assertEquals(0, small.outstanding());
  }

  @Test
  void theReservationGoesBackWhenTheDecoderIsRemovedAndWhatItHeldGoesOn() {
    receive("0a0102");
    assertEquals(10, scope.memory());
    stream.pipeline().remove("frames");
    assertEquals(0, scope.memory());
    assertEquals(List.of("0a0102"), recorder.hex(), "the next handler reads on from the held bytes");
  }

  @Test
  void theReservationGoesBackWhenTheStreamCloses() {
    receive("0a0102");
    stream.close();
    stream.runPendingTasks();
    assertFalse(stream.isOpen());
    assertEquals(0, scope.outstanding(), "given back by the decoder, not only by the close");
    assertTrue(recorder.errors.isEmpty(), "a local close is not a truncation");
  }

  @Test
  void aStreamThatEndsInsideAMessageIsTruncated() {
    receive("02aabb" + "0a0102");
    endOfStream();
    assertEquals(List.of("aabb"), recorder.hex());
    DecodingException truncated = assertInstanceOf(DecodingException.class, onlyError());
    assertEquals("the stream ended inside a message: 3 of its 11 bytes (length prefix included) arrived",
        truncated.getMessage());
    assertFalse(sawEndOfStream, "the failure takes the end of stream's place");
    assertEquals(0, scope.memory());
  }

  @Test
  void aStreamThatEndsInsideALengthPrefixIsTruncated() {
    receive("80");
    endOfStream();
    assertEquals("the stream ended inside a message's length prefix, after 1 byte(s) of it",
        assertInstanceOf(DecodingException.class, onlyError()).getMessage());
  }

  @Test
  void aStreamThatEndsBetweenMessagesEndsCleanly() {
    receive("02aabb00");
    endOfStream();
    assertEquals(List.of("aabb", ""), recorder.hex());
    assertTrue(recorder.errors.isEmpty());
    assertTrue(sawEndOfStream);
  }

  @Test
  void afterAFailureItHoldsNothingAndReadsNothing() {
    receive("8000" + "02aabb");
    assertInstanceOf(DecodingException.class, onlyError());
    receive("02aabb");
    stream.pipeline().remove("frames");
    assertTrue(recorder.messages.isEmpty(), "a failed decoder passes nothing on, even as it is removed");
  }
}
