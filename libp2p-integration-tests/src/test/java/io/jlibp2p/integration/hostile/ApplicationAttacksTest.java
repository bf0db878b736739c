package io.jlibp2p.integration.hostile;

import io.jlibp2p.core.identify.Identify;
import io.jlibp2p.ping.Ping;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the protocols the victim serves, over plaintext and yamux: echo and ping streams
 * written to and never read, and identify messages of 20 MiB, pushed and answered.
 */
class ApplicationAttacksTest extends AbstractHostileTest {

  static final int ECHO_STREAMS = 16;

  /** Written to each echo stream: 8 MiB, 128 MiB in all, while nothing of the echo is read. */
  static final int ECHO_BYTES_PER_STREAM = 8 << 20;

  /** Data per frame of the floods. */
  static final int FRAME_PAYLOAD = 32 * 1024;

  /** Ping payloads written to one stream, and never read: 32 MiB, a million pings. */
  static final int PING_STREAM_BYTES = 32 << 20;

  /** What the identify messages claim, and what is sent of them: 20 MiB. */
  static final int IDENTIFY_MESSAGE_BYTES = 20 << 20;

  @Test
  void echoStreamsWrittenAndNeverReadAreCutOff() throws Exception {
    // Expected to fail today: the echo handler writes whatever it reads, whether or not its
    // stream can send, so its writes pile up (and its reads go on granting window).
    RawPeer peer = attacker().upgrade(YamuxWire.PROTOCOL_ID);
    ByteArrayOutputStream opening = new ByteArrayOutputStream();
    for (int s = 0; s < ECHO_STREAMS; s++) {
      opening.writeBytes(YamuxWire.data(streamId(s), YamuxWire.FLAG_SYN, MultistreamWire.propose(HostileHosts.ECHO)));
    }
    peer.send(opening.toByteArray());
    ByteArrayOutputStream round = new ByteArrayOutputStream();
    byte[] payload = new byte[FRAME_PAYLOAD];
    for (int s = 0; s < ECHO_STREAMS; s++) {
      round.writeBytes(YamuxWire.data(streamId(s), 0, payload));
    }
    byte[] oneFramePerStream = round.toByteArray();
    blastAndAwaitCutOff(peer, ECHO_BYTES_PER_STREAM / FRAME_PAYLOAD, oneFramePerStream,
        "the attacker writing " + ECHO_STREAMS + " echo streams it never reads");
  }

  @Test
  void pingStreamWrittenAndNeverReadIsCutOff() throws Exception {
    // Expected to fail today: the ping responder answers every payload, whether or not its
    // stream can send, so its answers (32 bytes each) pile up.
    RawPeer peer = attacker().upgrade(YamuxWire.PROTOCOL_ID);
    peer.send(YamuxWire.data(1, YamuxWire.FLAG_SYN, MultistreamWire.propose(Ping.PROTOCOL_ID)));
    blastAndAwaitCutOff(peer, PING_STREAM_BYTES / FRAME_PAYLOAD, YamuxWire.data(1, 0, new byte[FRAME_PAYLOAD]),
        "the attacker pinging without reading the answers");
  }

  /** Writes {@code rounds} times {@code frames} from a thread of its own, never reading, and checks the verdict. */
  private void blastAndAwaitCutOff(RawPeer peer, int rounds, byte[] frames, String offender) throws Exception {
    Outcome outcome = flood(peer, sample(), offender, FLOOD_CUTOFF, () -> {
      for (int i = 0; i < rounds; i++) {
        peer.send(frames);
      }
    }, writing -> figures
        .put("sentMiB", (long) rounds * frames.length >> 20)
        .put("writerEnded", writing.isDone() ? (writing.isCompletedExceptionally() ? "cutOff" : "allSent") : "blocked"));
    verdict(outcome);
  }

  @Test
  void identifyMessagesOf20MiBAreRefusedAtOnce() throws Exception {
    Map<String, Callable<Optional<Duration>>> attacks = new LinkedHashMap<>();
    // Pushed: the attacker opens an identify push stream and starts a 20 MiB message on it.
    attacks.put("push", () -> sendHugeIdentify(attacker().upgrade(YamuxWire.PROTOCOL_ID), 1,
        YamuxWire.data(1, YamuxWire.FLAG_SYN, MultistreamWire.propose(Identify.PUSH_PROTOCOL_ID))));
    // Answered: the victim asks the attacker's identify, which answers with a 20 MiB message.
    attacks.put("answer", () -> {
      RawPeer answerer = attacker().upgrade(YamuxWire.PROTOCOL_ID);
      Optional<YamuxWire.Frame> request = answerer.awaitYamuxFrame(
          f -> f.type() == YamuxWire.TYPE_DATA
              && new String(f.data(), StandardCharsets.UTF_8).contains(Identify.PROTOCOL_ID),
          PROMPT_CUTOFF);
      if (request.isEmpty() || request.get() == RawPeer.ENDED) {
        throw new IllegalStateException("the victim did not ask the attacker's identify: " + request);
      }
      long stream = request.get().streamId();
      return sendHugeIdentify(answerer, stream, YamuxWire.data(stream, YamuxWire.FLAG_ACK,
          MultistreamWire.messages(MultistreamWire.HEADER, Identify.PROTOCOL_ID)));
    });
    Map<String, String> offenders = Map.of(
        "push", "a pushed identify of 20 MiB",
        "answer", "an identify answer of 20 MiB");
    verdict(eachCutOffPromptly(attacks, offenders::get, (name, attack) -> attack.call()));
  }

  /**
   * After {@code preamble}, starts a 20 MiB identify message on {@code stream} and writes all of
   * it from a thread of its own, ignoring windows.
   *
   * @return how long until the victim reset the stream or ended the connection
   */
  private Optional<Duration> sendHugeIdentify(RawPeer peer, long stream, byte[] preamble) throws Exception {
    long start = System.nanoTime();
    peer.send(Wire.concat(preamble, YamuxWire.data(stream, 0, Wire.uvarint(IDENTIFY_MESSAGE_BYTES))));
    byte[] chunk = YamuxWire.data(stream, 0, new byte[FRAME_PAYLOAD]);
    CompletableFuture<Void> writing = inBackground("identify-" + stream, () -> {
      for (int sent = 0; sent < IDENTIFY_MESSAGE_BYTES; sent += FRAME_PAYLOAD) {
        peer.send(chunk);
      }
    });
    Optional<YamuxWire.Frame> reset;
    try {
      reset = peer.awaitYamuxFrame(f -> f.streamId() == stream && f.has(YamuxWire.FLAG_RST), PROMPT_CUTOFF);
    } catch (IOException e) {
      reset = Optional.of(RawPeer.ENDED);
    }
    Optional<Duration> cutoff = reset.map(frame -> Duration.ofNanos(System.nanoTime() - start));
    awaitVictimReadAll(peer, writing, PROMPT_CUTOFF);
    return cutoff;
  }

  /** The {@code index}th stream this attacker opens: the dialer's IDs are odd. */
  private static long streamId(int index) {
    return 2L * index + 1;
  }
}
