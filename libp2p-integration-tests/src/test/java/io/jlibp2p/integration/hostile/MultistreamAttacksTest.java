package io.jlibp2p.integration.hostile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.integration.probe.ResourceProbe;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Attacks on multistream-select as the victim listens for a security protocol, before anything is
 * authenticated: oversized and malformed messages, endless proposals, and {@code ls} requests
 * whose answers are never read.
 */
class MultistreamAttacksTest extends AbstractHostileTest {

  /** The messages a negotiation may take (the header included) once the host caps them. */
  static final int MESSAGE_CAP = 64;

  /** Proposals of protocols the victim does not have, sent at once. */
  static final int PROPOSALS = 10_000;

  /** {@code ls} requests sent at once, their answers never read. */
  static final int LS_FLOOD = 200_000;

  @Test
  void oversizedMessagesEndTheUpgradeAtOnce() throws Exception {
    byte[] header = MultistreamWire.message(MultistreamWire.HEADER);
    Map<String, byte[]> attacks = new LinkedHashMap<>();
    attacks.put("messageOf1025Bytes", Wire.concat(header, MultistreamWire.message("/" + "x".repeat(MultistreamWire.MAX_MESSAGE_LENGTH - 1))));
    attacks.put("prefixClaiming16383", Wire.concat(header, new byte[] {(byte) 0xff, 0x7f}));
    attacks.put("prefixOf3Bytes", Wire.concat(header, new byte[] {(byte) 0xff, (byte) 0xff, 0x7f}));
    attacks.put("oversizedHeader", MultistreamWire.message(MultistreamWire.HEADER + " ".repeat(MultistreamWire.MAX_MESSAGE_LENGTH)));
    runEach(attacks);
  }

  @Test
  void malformedMessagesEndTheUpgradeAtOnce() throws Exception {
    byte[] header = MultistreamWire.message(MultistreamWire.HEADER);
    Map<String, byte[]> attacks = new LinkedHashMap<>();
    attacks.put("noNewline", Wire.concat(header, new byte[] {5, 'a', 'b', 'c', 'd', 'e'}));
    attacks.put("emptyMessage", Wire.concat(header, new byte[] {0}));
    attacks.put("nonMinimalPrefix", Wire.concat(header, new byte[] {(byte) 0x85, 0x00, 'a', 'b', 'c', 'd', '\n'}));
    attacks.put("wrongHeader", MultistreamWire.message("/multistream/2.0.0"));
    attacks.put("proposalBeforeHeader", MultistreamWire.message(PlaintextWire.PROTOCOL_ID));
    runEach(attacks);
  }

  /** Sends each attack on a connection of its own; every one must end its connection promptly. */
  private void runEach(Map<String, byte[]> attacks) throws Exception {
    verdict(eachCutOffPromptly(attacks, name -> "the attacker sending " + name,
        (name, bytes) -> sendAndTimeEnd(attacker(), bytes)));
  }

  @Test
  void proposalsPastTheCapEndTheNegotiation() throws Exception {
    String[] payloads = new String[PROPOSALS + 1];
    payloads[0] = MultistreamWire.HEADER;
    for (int i = 1; i <= PROPOSALS; i++) {
      payloads[i] = "/nope/" + i;
    }
    RawPeer peer = attacker();
    RawPeer.Answers answers;
    ResourceProbe.Sampler sampler = sample();
    try (sampler) {
      long sent = System.nanoTime();
      CompletableFuture<Void> writing = inBackground("proposals", () -> peer.send(MultistreamWire.messages(payloads)));
      answers = peer.readMultistreamUntilEnd(sent, PROMPT_CUTOFF);
      writing.handle((v, e) -> null).join();
      sampler.markLiveHeap();
      figures.cutoff(answers.endedAfter(), PROMPT_CUTOFF).peaks(sampler);
    }
    long refusals = answers.messages().stream().filter(MultistreamWire.NA::equals).count();
    figures.put("naAnswers", refusals);
    Outcome outcome = pingThenSettle(Map.of("the endless proposer", answers.endedAfter()), PROMPT_CUTOFF, sampler);
    verdict(outcome,
        () -> assertTrue(refusals < MESSAGE_CAP, "the victim answered " + refusals + " of " + PROPOSALS
            + " proposals with na; a negotiation of at most " + MESSAGE_CAP + " messages answers fewer"));
  }

  @Test
  void lsFloodWhoseAnswersAreNeverReadIsCutOff() throws Exception {
    String[] payloads = new String[LS_FLOOD + 1];
    Arrays.fill(payloads, MultistreamWire.LS);
    payloads[0] = MultistreamWire.HEADER;
    byte[] requests = MultistreamWire.messages(payloads);
    RawPeer peer = attacker();
    Outcome outcome = flood(peer, sample(), "the ls flooder", PROMPT_CUTOFF,
        () -> peer.send(requests), writing -> figures.put("lsSent", LS_FLOOD));
    verdict(outcome);
  }
}
