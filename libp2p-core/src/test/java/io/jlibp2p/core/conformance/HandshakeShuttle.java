package io.jlibp2p.core.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.jlibp2p.testing.ByteBufs;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;

/**
 * Carries a real secure channel handshake between an initiator and a responder on two {@link
 * EmbeddedChannel}s, one message at a time, with the fuzzer's change to one message, and checks
 * the verdict, for the secure channels' {@code corruptedHandshake} fuzz targets.
 *
 * <p>The messages, numbered in the order they travel, are the handshake's (each side writes its
 * next one when it has read what it waits for) and then the first transport message each way: the
 * initiator's, then the responder's. The fuzzer flips bytes in one of them, cuts it short or
 * extends it. Unchanged, both sides authenticate each other and deliver both transport messages.
 * Changed, the change is noticed where it must be (the receiver of a changed handshake message
 * fails, a changed transport message is not delivered, bytes appended spoil what follows them in
 * that direction), nothing but intact messages is delivered, and every failure is the declared
 * exception with its channel closed ({@link HandshakeSide#checkSoFar}). Appended bytes may also be
 * a true copy of the next message (with fixed keys the fuzzer can learn one from the seeds): the
 * receiver may take that copy, as it would the message, but not the message itself after it.
 *
 * <p>Input layout, as {@link FuzzedDataProvider} reads it from the back: which message to change
 * (0 to the number of messages; that number itself changes none) and how (0 flip, 1 truncate, 2
 * append), both when the shuttle is made; then, when the chosen message comes: to flip, how many
 * flips less one (0 to 7) and for each the byte's index and the XOR mask less one (0 to 254); to
 * truncate, the new length (0 to the length less one); to append, how many bytes less one (0 to
 * 255), then those bytes from the front. Ranges start at 0: Jazzer passes a raw value in range
 * through, which seeds rely on.
 *
 * <p>One shuttle carries one handshake. For tests; part of libp2p-core's test-jar.
 */
public final class HandshakeShuttle {

  /** How the chosen message is changed. */
  public enum Kind { FLIP, TRUNCATE, APPEND }

  private final FuzzedDataProvider data;
  /** Whether each message, by number, goes from the initiator to the responder. */
  private final boolean[] fromInitiator;
  private final int message;
  private final Kind kind;
  /** Whether the chosen message came out different (flips can cancel out). */
  private boolean changed;
  /**
   * When bytes are appended, what the receiver of the message they spoil had taken before that
   * message reached it (from the appended bytes, then): how many transport messages it had
   * delivered and whether its handshake had completed. Null until then, and if it never does.
   */
  private Progress beforeSpoiled;

  private record Progress(int delivered, boolean secured) {
    static Progress of(HandshakeSide side) {
      return new Progress(side.app().messages.size(), side.outcome() == HandshakeOutcome.SUCCEEDED);
    }
  }

  /**
   * A shuttle for a handshake whose messages go as {@code handshakeFromInitiator} says (true for
   * one from the initiator), followed by the two transport messages. Reads which message to change
   * and how.
   */
  public HandshakeShuttle(FuzzedDataProvider data, boolean... handshakeFromInitiator) {
    this.data = data;
    this.fromInitiator = Arrays.copyOf(handshakeFromInitiator, handshakeFromInitiator.length + 2);
    fromInitiator[handshakeFromInitiator.length] = true;
    this.message = data.consumeInt(0, fromInitiator.length);
    this.kind = Kind.values()[data.consumeInt(0, Kind.values().length - 1)];
  }

  /**
   * Carries the handshake and the transport messages, each side sending its own once secured, then
   * checks the verdict (see the class Javadoc); throws an {@link AssertionError} for a failed
   * check. Finishes both channels, releasing what they hold.
   */
  public void run(HandshakeSide initiator, HandshakeSide responder) {
    HandshakeSide[] sides = {initiator, responder};
    try {
      for (int index = 0; index < fromInitiator.length; index++) {
        if (isTransport(index)) {
          sender(sides, index).sendIfSecured();
        }
        if (kind == Kind.APPEND && index == nextInDirection(message)) {
          beforeSpoiled = Progress.of(receiver(sides, index));
        }
        pass(index, sender(sides, index).channel(), receiver(sides, index).channel());
      }
      for (HandshakeSide side : sides) {
        side.checkSoFar();
      }
      if (!changed) {
        for (HandshakeSide side : sides) {
          assertEquals(HandshakeOutcome.SUCCEEDED, side.outcome(), "an untouched handshake failed");
          assertTrue(side.channel().isOpen(), "an untouched connection closed");
        }
        responder.assertDelivered(initiator.text());
        initiator.assertDelivered(responder.text());
        return;
      }
      initiator.channel().close();
      responder.channel().close();
      for (HandshakeSide side : sides) {
        assertNotEquals(HandshakeOutcome.RUNNING, side.outcome(), "closing must end the handshake");
        side.checkSoFar();
      }
      assertNoticed(sides);
    } finally {
      initiator.channel().finishAndReleaseAll();
      responder.channel().finishAndReleaseAll();
    }
  }

  /**
   * Moves the next message {@code from} wrote, numbered {@code index}, to {@code to}, changed if
   * it is the chosen one; when either side has closed, so does the other, as over a real wire.
   */
  private void pass(int index, EmbeddedChannel from, EmbeddedChannel to) {
    Object written = from.readOutbound();
    if (written != null) {
      byte[] bytes = ByteBufs.take(written);
      if (index == message) {
        byte[] corrupted = apply(bytes);
        changed = !Arrays.equals(bytes, corrupted);
        bytes = corrupted;
      }
      if (to.isOpen() && bytes.length > 0) {
        to.writeInbound(Unpooled.wrappedBuffer(bytes));
      }
    }
    if (!from.isOpen() || !to.isOpen()) {
      from.close();
      to.close();
    }
  }

  private byte[] apply(byte[] original) {
    switch (kind) {
      case FLIP -> {
        byte[] out = original.clone();
        int flips = 1 + data.consumeInt(0, 7);
        for (int i = 0; i < flips; i++) {
          out[data.consumeInt(0, out.length - 1)] ^= (byte) (1 + data.consumeInt(0, 254));
        }
        return out;
      }
      case TRUNCATE -> {
        return Arrays.copyOf(original, data.consumeInt(0, original.length - 1));
      }
      default -> {
        byte[] extra = data.consumeBytes(1 + data.consumeInt(0, 255));
        byte[] out = Arrays.copyOf(original, original.length + Math.max(1, extra.length));
        System.arraycopy(extra, 0, out, original.length, extra.length);
        return out;
      }
    }
  }

  /**
   * Where a change must show: a changed handshake message fails its receiver's handshake, and a
   * changed transport message is not delivered; bytes appended to a message are read as the start
   * of the next one in that direction, which they spoil, and leave the message itself intact; if
   * they were a true copy of that next one, its receiver took the copy and must not take the
   * message itself.
   */
  private void assertNoticed(HandshakeSide[] sides) {
    int spoiled = message;
    if (kind == Kind.APPEND) {
      if (isTransport(spoiled)) {
        HandshakeSide appendedTo = receiver(sides, spoiled);
        appendedTo.assertDelivered(appendedTo.remoteText());
      }
      spoiled = nextInDirection(spoiled);
      if (spoiled < 0) {
        return;
      }
      Progress now = Progress.of(receiver(sides, spoiled));
      Progress before = beforeSpoiled != null ? beforeSpoiled : now;
      if (isTransport(spoiled) ? before.delivered() > 0 : before.secured()) {
        // The appended bytes held a true copy, taken already (checkSoFar saw it intact).
        assertEquals(before.delivered(), now.delivered(), "a message was taken again after its copy");
        return;
      }
    }
    HandshakeSide receiver = receiver(sides, spoiled);
    if (isTransport(spoiled)) {
      assertTrue(receiver.app().messages.isEmpty(), "a changed " + receiver.protocol().unit() + " was delivered");
    } else {
      assertEquals(HandshakeOutcome.FAILED, receiver.outcome(), "a changed handshake message went unnoticed");
    }
  }

  /** Whether message {@code index} is one of the two transport messages, the last two. */
  private boolean isTransport(int index) {
    return index >= fromInitiator.length - 2;
  }

  private int nextInDirection(int index) {
    for (int next = index + 1; next < fromInitiator.length; next++) {
      if (fromInitiator[next] == fromInitiator[index]) {
        return next;
      }
    }
    return -1;
  }

  private HandshakeSide sender(HandshakeSide[] sides, int index) {
    return sides[fromInitiator[index] ? 0 : 1];
  }

  private HandshakeSide receiver(HandshakeSide[] sides, int index) {
    return sides[fromInitiator[index] ? 1 : 0];
  }
}
