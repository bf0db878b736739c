package io.jlibp2p.integration.hostile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.host.Connection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
    Connection attacked = victimConnectionOf(peer);
    Optional<Duration> cutoff;
    Optional<Duration> ping;
    ResourceProbe.Sampler sampler = ResourceProbe.sample(victimPort).watch("victimStreams", attacked::openStreams);
    try (sampler) {
      long start = System.nanoTime();
      CompletableFuture<Optional<Duration>> timer = timeVictimLettingGo(peer, start, FLOOD_CUTOFF);
      CompletableFuture<Void> writing = inBackground("stream-opens", () -> {
        for (int first = 0; first < STREAM_OPENS; first += OPENS_PER_WRITE) {
          ByteArrayOutputStream opens = new ByteArrayOutputStream(OPENS_PER_WRITE * YamuxWire.HEADER_LENGTH);
          for (int i = first; i < first + OPENS_PER_WRITE; i++) {
            opens.writeBytes(YamuxWire.open(2L * i + 1)); // the dialer's streams are odd
          }
          peer.send(opens.toByteArray());
        }
      });
      awaitVictimReadAll(peer, writing, FLOOD_CUTOFF);
      sampler.markLiveHeap();
      ping = honestPing();
      cutoff = timer.join();
      figures.cutoff(cutoff, FLOOD_CUTOFF).honestPing(ping).peaks(sampler).put("opensSent", STREAM_OPENS);
    }
    ResourceProbe.Snapshot after = settle();
    int peakStreams = sampler.peak("victimStreams");
    verdict(
        cutOffWithin("the attacker opening " + STREAM_OPENS + " streams", cutoff, FLOOD_CUTOFF),
        () -> assertTrue(peakStreams <= HostileHosts.MAX_STREAMS + VICTIMS_OWN_STREAMS,
            "the victim had " + peakStreams + " streams open on one connection; its cap is " + HostileHosts.MAX_STREAMS),
        limitReported("stream opens refused in a row"),
        withinLimits(sampler),
        honestPeerPinged(ping),
        backToBaseline(after));
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
    Map<String, Optional<Duration>> cutoffs = new LinkedHashMap<>();
    Map<String, Boolean> wentAway = new LinkedHashMap<>();
    ResourceProbe.Sampler sampler = ResourceProbe.sample(victimPort);
    try (sampler) {
      for (Map.Entry<String, byte[]> attack : attacks.entrySet()) {
        RawPeer peer = attacker().upgrade(YamuxWire.PROTOCOL_ID);
        long sent = System.nanoTime();
        Optional<Duration> cutoff;
        boolean goAway = false;
        try {
          peer.send(attack.getValue());
          Optional<YamuxWire.Frame> answer = peer.awaitYamuxFrame(f -> f.type() == YamuxWire.TYPE_GO_AWAY, PROMPT_CUTOFF);
          goAway = answer.isPresent() && answer.get().length() == YamuxWire.GO_AWAY_PROTOCOL_ERROR;
          cutoff = peer.awaitEnd(sent, PROMPT_CUTOFF);
        } catch (IOException e) {
          cutoff = Optional.of(Duration.ofNanos(System.nanoTime() - sent));
        }
        cutoffs.put(attack.getKey(), cutoff);
        wentAway.put(attack.getKey(), goAway);
        figures.put(attack.getKey() + "Ms", cutoff.map(d -> Long.toString(d.toMillis())).orElse("none"));
      }
      sampler.markLiveHeap();
      figures.cutoff(slowest(cutoffs.values()), PROMPT_CUTOFF).peaks(sampler);
    }
    Optional<Duration> ping = honestPing();
    figures.honestPing(ping);
    ResourceProbe.Snapshot after = settle();
    verdict(
        cutOffWithin("one byte past the window", cutoffs.get("windowPlusOne"), PROMPT_CUTOFF),
        cutOffWithin("a frame past any window", cutoffs.get("pastAnyWindow"), PROMPT_CUTOFF),
        () -> assertTrue(wentAway.values().stream().allMatch(Boolean::booleanValue),
            "the victim should say GoAway (protocol error) before it closes: " + wentAway),
        withinLimits(sampler),
        honestPeerPinged(ping),
        backToBaseline(after));
  }

  @Test
  void pingFloodWhoseAnswersAreNeverReadIsCutOff() throws Exception {
    RawPeer peer = attacker().upgrade(YamuxWire.PROTOCOL_ID);
    ByteArrayOutputStream batch = new ByteArrayOutputStream(PINGS_PER_WRITE * YamuxWire.HEADER_LENGTH);
    for (int i = 0; i < PINGS_PER_WRITE; i++) {
      batch.writeBytes(YamuxWire.ping(i));
    }
    byte[] pings = batch.toByteArray();
    Optional<Duration> cutoff;
    Optional<Duration> ping;
    ResourceProbe.Sampler sampler = ResourceProbe.sample(victimPort);
    try (sampler) {
      long start = System.nanoTime();
      CompletableFuture<Optional<Duration>> timer = timeVictimLettingGo(peer, start, FLOOD_CUTOFF);
      CompletableFuture<Void> writing = inBackground("ping-flood", () -> {
        for (int sent = 0; sent < PING_FLOOD; sent += PINGS_PER_WRITE) {
          peer.send(pings);
        }
      });
      awaitVictimReadAll(peer, writing, FLOOD_CUTOFF);
      sampler.markLiveHeap();
      ping = honestPing();
      cutoff = timer.join();
      figures.cutoff(cutoff, FLOOD_CUTOFF).honestPing(ping).peaks(sampler).put("pingsSent", PING_FLOOD);
    }
    ResourceProbe.Snapshot after = settle();
    verdict(
        cutOffWithin("the ping flooder", cutoff, FLOOD_CUTOFF),
        limitReported("does not read its answers"),
        withinLimits(sampler),
        honestPeerPinged(ping),
        backToBaseline(after));
  }
}
