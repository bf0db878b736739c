package io.jlibp2p.integration.hostile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the victim's yamux sessions, over a plaintext connection: stream opens by the
 * hundred thousand, data past a stream's window, and pings whose answers are never read.
 */
class YamuxAttacksTest extends AbstractHostileTest {

  static final int STREAM_OPENS = 100_000;

  /** Stream opens per write: 12 KiB of SYNs. */
  static final int OPENS_PER_WRITE = 1_000;

  /** Pings sent (12 MiB of them), their answers never read. */
  static final int PING_FLOOD = 1_000_000;

  /** Pings per write: 48 KiB. */
  static final int PINGS_PER_WRITE = 4_096;

  @Test
  void hundredThousandStreamOpensOnOneConnection() throws Exception {
    RawPeer peer = attacker().upgrade(YamuxWire.PROTOCOL_ID);
    streamOpenFlood(peer, STREAM_OPENS, () -> peer.sendInBatches(STREAM_OPENS, OPENS_PER_WRITE,
        i -> YamuxWire.open(2L * i + 1))); // the dialer's streams are odd
  }

  @Test
  void dataPastTheWindowEndsTheConnectionAtOnce() throws Exception {
    Map<String, byte[]> attacks = new LinkedHashMap<>();
    // One byte more than a new stream's window, in the frame that opens it.
    attacks.put("windowPlusOne",
        YamuxWire.data(1, YamuxWire.FLAG_SYN, new byte[YamuxWire.INITIAL_WINDOW + 1]));
    // A frame longer than any window may ever grow; its body never comes.
    attacks.put("pastAnyWindow",
        YamuxWire.header(YamuxWire.TYPE_DATA, YamuxWire.FLAG_SYN, 1, YamuxWire.DEFAULT_MAX_WINDOW + 1));
    Map<String, String> offenders = Map.of(
        "windowPlusOne", "one byte past the window",
        "pastAnyWindow", "a frame past any window");
    Map<String, Boolean> wentAway = new LinkedHashMap<>();
    Outcome outcome = eachCutOffPromptly(attacks, offenders::get, (name, frames) -> {
      RawPeer peer = attacker().upgrade(YamuxWire.PROTOCOL_ID);
      wentAway.put(name, false);
      return sendAndTimeEnd(peer, frames, () -> wentAway.put(name, saysProtocolErrorGoAway(peer)));
    });
    verdict(outcome,
        () -> assertTrue(wentAway.values().stream().allMatch(Boolean::booleanValue),
            "the victim should say GoAway (protocol error) before it closes: " + wentAway));
  }

  /** Whether the victim says GoAway with a protocol error to {@code peer}, within {@link #PROMPT_CUTOFF}. */
  private static boolean saysProtocolErrorGoAway(RawPeer peer) throws IOException {
    Optional<YamuxWire.Frame> answer = peer.awaitYamuxFrame(f -> f.type() == YamuxWire.TYPE_GO_AWAY, PROMPT_CUTOFF);
    return answer.isPresent() && answer.get().length() == YamuxWire.GO_AWAY_PROTOCOL_ERROR;
  }

  @Test
  void pingFloodWhoseAnswersAreNeverReadIsCutOff() throws Exception {
    RawPeer peer = attacker().upgrade(YamuxWire.PROTOCOL_ID);
    ByteArrayOutputStream batch = new ByteArrayOutputStream(PINGS_PER_WRITE * YamuxWire.HEADER_LENGTH);
    for (int i = 0; i < PINGS_PER_WRITE; i++) {
      batch.writeBytes(YamuxWire.ping(i));
    }
    byte[] pings = batch.toByteArray();
    Outcome outcome = flood(peer, sample(), "the ping flooder", FLOOD_CUTOFF, () -> {
      for (int sent = 0; sent < PING_FLOOD; sent += PINGS_PER_WRITE) {
        peer.send(pings);
      }
    }, writing -> figures.put("pingsSent", PING_FLOOD));
    verdict(outcome, limitReported("does not read its answers"));
  }
}
