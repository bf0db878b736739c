package io.jlibp2p.integration.hostile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.host.Connection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

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
    Optional<Duration> cutoff;
    Optional<Duration> ping;
    ResourceProbe.Sampler sampler = ResourceProbe.sample(victimPort);
    try (sampler) {
      long start = System.nanoTime();
      CompletableFuture<Optional<Duration>> timer = timeVictimLettingGo(peer, start, FLOOD_CUTOFF);
      CompletableFuture<Void> writing = inBackground("unknown-streams", () -> {
        for (int first = 0; first < UNKNOWN_STREAM_FRAMES; first += FRAMES_PER_WRITE) {
          ByteArrayOutputStream frames = new ByteArrayOutputStream();
          for (int i = first; i < first + FRAMES_PER_WRITE; i++) {
            long id = 1_000_000L + i;
            // Mostly data for streams this side "opened", some for streams the victim "opened",
            // and closes and resets for both: none of them exists.
            int flag = switch (i % 8) {
              case 5 -> MplexWire.MESSAGE_RECEIVER;
              case 6 -> i % 16 < 8 ? MplexWire.CLOSE_INITIATOR : MplexWire.CLOSE_RECEIVER;
              case 7 -> i % 16 < 8 ? MplexWire.RESET_INITIATOR : MplexWire.RESET_RECEIVER;
              default -> MplexWire.MESSAGE_INITIATOR;
            };
            frames.writeBytes(MplexWire.frame(id, flag, flag <= MplexWire.MESSAGE_INITIATOR ? body : new byte[0]));
          }
          peer.send(frames.toByteArray());
        }
      });
      awaitVictimReadAll(peer, writing, FLOOD_CUTOFF);
      sampler.markLiveHeap();
      ping = honestPing();
      cutoff = timer.join();
      figures.cutoff(cutoff, FLOOD_CUTOFF).honestPing(ping).peaks(sampler).put("framesSent", UNKNOWN_STREAM_FRAMES);
    }
    ResourceProbe.Snapshot after = settle();
    verdict(
        cutOffWithin("the attacker writing to streams that do not exist", cutoff, FLOOD_CUTOFF),
        withinLimits(sampler),
        honestPeerPinged(ping),
        backToBaseline(after));
  }

  @Test
  void aFrameClaiming2GiBEndsTheConnectionAtOnce() throws Exception {
    Map<String, byte[]> attacks = new LinkedHashMap<>();
    attacks.put("onAnOpenStream", Wire.concat(
        MplexWire.frame(1, MplexWire.NEW_STREAM, new byte[0]),
        MplexWire.header(1, MplexWire.MESSAGE_INITIATOR, TWO_GIB), new byte[1024]));
    attacks.put("onAnUnknownStream", Wire.concat(MplexWire.header(7, MplexWire.MESSAGE_INITIATOR, TWO_GIB), new byte[1024]));
    attacks.put("asAStreamName", Wire.concat(MplexWire.header(9, MplexWire.NEW_STREAM, TWO_GIB), new byte[1024]));
    Map<String, Optional<Duration>> cutoffs = new LinkedHashMap<>();
    ResourceProbe.Sampler sampler = ResourceProbe.sample(victimPort);
    try (sampler) {
      for (Map.Entry<String, byte[]> attack : attacks.entrySet()) {
        RawPeer peer = attacker().upgrade(MplexWire.PROTOCOL_ID);
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
    cutoffs.forEach((name, cutoff) -> checks.add(cutOffWithin("a 2 GiB frame " + name, cutoff, PROMPT_CUTOFF)));
    checks.add(withinLimits(sampler));
    checks.add(honestPeerPinged(ping));
    checks.add(backToBaseline(after));
    verdict(checks.toArray(Executable[]::new));
  }

  @Test
  void hundredThousandStreamOpensOnOneConnection() throws Exception {
    RawPeer peer = attacker().upgrade(MplexWire.PROTOCOL_ID);
    Connection attacked = victimConnectionOf(peer);
    Optional<Duration> cutoff;
    Optional<Duration> ping;
    ResourceProbe.Sampler sampler = ResourceProbe.sample(victimPort).watch("victimStreams", attacked::openStreams);
    try (sampler) {
      long start = System.nanoTime();
      CompletableFuture<Optional<Duration>> timer = timeVictimLettingGo(peer, start, FLOOD_CUTOFF);
      CompletableFuture<Void> writing = inBackground("stream-opens", () -> {
        for (int first = 0; first < STREAM_OPENS; first += OPENS_PER_WRITE) {
          ByteArrayOutputStream opens = new ByteArrayOutputStream();
          for (int i = first; i < first + OPENS_PER_WRITE; i++) {
            opens.writeBytes(MplexWire.frame(i, MplexWire.NEW_STREAM, new byte[0]));
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
}
