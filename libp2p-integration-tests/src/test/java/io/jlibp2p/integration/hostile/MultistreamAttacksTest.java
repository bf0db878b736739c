package io.jlibp2p.integration.hostile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

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
    Map<String, Optional<Duration>> cutoffs = new LinkedHashMap<>();
    ResourceProbe.Sampler sampler = ResourceProbe.sample(victimPort);
    try (sampler) {
      for (Map.Entry<String, byte[]> attack : attacks.entrySet()) {
        RawPeer peer = attacker();
        long sent = System.nanoTime();
        Optional<Duration> cutoff;
        try {
          peer.send(attack.getValue());
          cutoff = peer.awaitEnd(sent, PROMPT_CUTOFF);
        } catch (IOException e) {
          cutoff = Optional.of(Duration.ofNanos(System.nanoTime() - sent));
        }
        cutoffs.put(attack.getKey(), cutoff);
        figures.put(attack.getKey() + "Ms", cutoff.map(d -> Long.toString(d.toMillis())).orElse("none"));
      }
      sampler.markLiveHeap();
      figures.cutoff(slowest(cutoffs.values()), PROMPT_CUTOFF).peaks(sampler);
    }
    Optional<Duration> ping = honestPing();
    figures.honestPing(ping);
    ResourceProbe.Snapshot after = settle();
    List<Executable> checks = new ArrayList<>();
    cutoffs.forEach((name, cutoff) -> checks.add(cutOffWithin("the attacker sending " + name, cutoff, PROMPT_CUTOFF)));
    checks.addAll(Arrays.asList(withinLimits(sampler), honestPeerPinged(ping), backToBaseline(after)));
    verdict(checks.toArray(Executable[]::new));
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
    ResourceProbe.Sampler sampler = ResourceProbe.sample(victimPort);
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
    Optional<Duration> ping = honestPing();
    figures.honestPing(ping);
    ResourceProbe.Snapshot after = settle();
    verdict(
        () -> assertTrue(refusals < MESSAGE_CAP, "the victim answered " + refusals + " of " + PROPOSALS
            + " proposals with na; a negotiation of at most " + MESSAGE_CAP + " messages answers fewer"),
        cutOffWithin("the endless proposer", answers.endedAfter(), PROMPT_CUTOFF),
        withinLimits(sampler),
        honestPeerPinged(ping),
        backToBaseline(after));
  }

  @Test
  void lsFloodWhoseAnswersAreNeverReadIsCutOff() throws Exception {
    String[] payloads = new String[LS_FLOOD + 1];
    Arrays.fill(payloads, MultistreamWire.LS);
    payloads[0] = MultistreamWire.HEADER;
    byte[] flood = MultistreamWire.messages(payloads);
    RawPeer peer = attacker();
    Optional<Duration> cutoff;
    Optional<Duration> ping;
    ResourceProbe.Sampler sampler = ResourceProbe.sample(victimPort);
    try (sampler) {
      long start = System.nanoTime();
      CompletableFuture<Optional<Duration>> timer = timeVictimLettingGo(peer, start, FLOOD_CUTOFF);
      CompletableFuture<Void> writing = inBackground("ls-flood", () -> peer.send(flood));
      awaitVictimReadAll(peer, writing, PROMPT_CUTOFF);
      sampler.markLiveHeap();
      ping = honestPing();
      cutoff = timer.join();
      figures.cutoff(cutoff, PROMPT_CUTOFF).honestPing(ping).peaks(sampler).put("lsSent", LS_FLOOD);
    }
    ResourceProbe.Snapshot after = settle();
    verdict(
        cutOffWithin("the ls flooder", cutoff, PROMPT_CUTOFF),
        withinLimits(sampler),
        honestPeerPinged(ping),
        backToBaseline(after));
  }
}
