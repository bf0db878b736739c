package io.jlibp2p.integration.hostile;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the victim's mplex sessions, over a plaintext connection: frames for streams that do
 * not exist, frames claiming 2 GiB, and stream opens by the hundred thousand. mplex has no flow
 * control and no keepalive, so nothing but the victim's own limits ever ends these.
 */
class MplexAttacksTest extends AbstractHostileTest {

  /** Frames for streams never opened: 100,000 of 1 KiB, some 100 MiB. */
  static final int UNKNOWN_STREAM_FRAMES = 100_000;

  static final int UNKNOWN_FRAME_BODY = 1024;

  /** Frames per write: 64 KiB or so. */
  static final int FRAMES_PER_WRITE = 64;

  /** What the oversized frames claim: 2 GiB. */
  static final long TWO_GIB = 1L << 31;

  static final int STREAM_OPENS = 100_000;

  /** Stream opens per write. */
  static final int OPENS_PER_WRITE = 1_000;

  @Test
  void framesForUnknownStreamsCostNothingAndEndTheConnection() throws Exception {
    RawPeer peer = attacker().upgrade(MplexWire.PROTOCOL_ID);
    byte[] body = new byte[UNKNOWN_FRAME_BODY];
    Outcome outcome = flood(peer, sample(), "the attacker writing to streams that do not exist",
        FLOOD_CUTOFF, () -> peer.sendInBatches(UNKNOWN_STREAM_FRAMES, FRAMES_PER_WRITE, i -> {
          // Mostly data for streams this side "opened", some for streams the victim "opened",
          // and closes and resets for both: none of them exists.
          int flag = switch (i % 8) {
            case 5 -> MplexWire.MESSAGE_RECEIVER;
            case 6 -> i % 16 < 8 ? MplexWire.CLOSE_INITIATOR : MplexWire.CLOSE_RECEIVER;
            case 7 -> i % 16 < 8 ? MplexWire.RESET_INITIATOR : MplexWire.RESET_RECEIVER;
            default -> MplexWire.MESSAGE_INITIATOR;
          };
          return MplexWire.frame(1_000_000L + i, flag, flag <= MplexWire.MESSAGE_INITIATOR ? body : new byte[0]);
        }),
        writing -> figures.put("framesSent", UNKNOWN_STREAM_FRAMES));
    verdict(outcome, limitReported("streams that do not exist"));
  }

  @Test
  void aFrameClaiming2GiBEndsTheConnectionAtOnce() throws Exception {
    Map<String, byte[]> attacks = new LinkedHashMap<>();
    attacks.put("onAnOpenStream", Wire.concat(
        MplexWire.frame(1, MplexWire.NEW_STREAM, new byte[0]),
        MplexWire.header(1, MplexWire.MESSAGE_INITIATOR, TWO_GIB), new byte[1024]));
    attacks.put("onAnUnknownStream", Wire.concat(MplexWire.header(7, MplexWire.MESSAGE_INITIATOR, TWO_GIB), new byte[1024]));
    attacks.put("asAStreamName", Wire.concat(MplexWire.header(9, MplexWire.NEW_STREAM, TWO_GIB), new byte[1024]));
    verdict(eachCutOffPromptly(attacks, name -> "a 2 GiB frame " + name,
        (name, frames) -> sendAndTimeEnd(attacker().upgrade(MplexWire.PROTOCOL_ID), frames)));
  }

  @Test
  void hundredThousandStreamOpensOnOneConnection() throws Exception {
    RawPeer peer = attacker().upgrade(MplexWire.PROTOCOL_ID);
    streamOpenFlood(peer, STREAM_OPENS, () -> peer.sendInBatches(STREAM_OPENS, OPENS_PER_WRITE,
        i -> MplexWire.frame(i, MplexWire.NEW_STREAM, new byte[0])));
  }
}
