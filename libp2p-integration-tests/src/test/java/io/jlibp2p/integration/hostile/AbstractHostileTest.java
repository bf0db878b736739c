package io.jlibp2p.integration.hostile;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.EventListener;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.integration.probe.ResourceProbe;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import io.jlibp2p.testing.Eventually;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.function.Executable;

/**
 * The fixture of every hostile case: a victim host with modest limits ({@link HostileHosts}) and
 * an honest peer beside it, both started and pinged once before the baseline is taken; attackers
 * made here are aborted after the case. A case runs its attack under a {@link
 * ResourceProbe.Sampler} in one of the shapes below ({@link #flood}, {@link #cutOffOnce}, {@link
 * #eachCutOffPromptly}), which print its {@link Figures} and return its {@link Outcome}; then
 * {@link #verdict} checks everything at once, so that one failed bound does not hide the others:
 *
 * <ul>
 *   <li>the offender is cut off within a bound (its connection ends, or the victim lets go of it);
 *   <li>the victim stays within its limits: live heap and direct memory grow by at most a budget,
 *       and descriptors and threads are back near the baseline afterwards;
 *   <li>the honest peer can still dial and ping the victim.
 * </ul>
 */
abstract class AbstractHostileTest {

  /**
   * A violation the victim can see in the bytes (a malformed or oversized message, data past a
   * window) ends the connection at once: within this, half the victim's phase timeout, so that
   * the timeout can never pass for detection.
   */
  static final Duration PROMPT_CUTOFF = Duration.ofMillis(1500);

  /** A peer that stalls an upgrade phase is cut off by the phase timeout, plus slack for 2 cores. */
  static final Duration TIMEOUT_CUTOFF = HostileHosts.PHASE_TIMEOUT.plusSeconds(3);

  /**
   * A flood (of stream opens, pings, writes) is cut off within this of its start: time for the
   * victim to work through what it read on 2 busy cores, and still well before yamux's 30 s
   * keepalive ends a peer that answers nothing.
   */
  static final Duration FLOOD_CUTOFF = Duration.ofSeconds(10);

  /** The honest peer's fresh dial and ping take at most this, attack or not. */
  static final Duration HONEST_PING_WITHIN = Duration.ofSeconds(5);

  /** What one attack may make the victim's live heap grow by. */
  static final long HEAP_BUDGET = 16L << 20;

  /** What one attack may make Netty's direct memory grow by. */
  static final long DIRECT_BUDGET = 16L << 20;

  /** Live heap the victim may keep once an attack is over (caches, a peerstore entry). */
  static final long AFTER_HEAP_SLACK = 4L << 20;

  /** Streams the victim opens itself on an attacker's connection (identify, its push), beside the attacker's. */
  static final int VICTIMS_OWN_STREAMS = 4;

  /** Descriptors and threads above the baseline once an attack is over. */
  static final int FD_SLACK = 16;
  static final int THREAD_SLACK = 4;

  /** How long the victim gets to let go of everything once the attackers are gone. */
  static final Duration SETTLE_WITHIN = Duration.ofSeconds(10);

  private static final double MIB = 1024.0 * 1024.0;

  protected Host victim;
  protected Host honest;
  protected InetSocketAddress target;
  protected int victimPort;
  protected ResourceProbe.Snapshot baseline;
  protected Figures figures;
  /** What the victim's event listener heard of limits, during this case. */
  protected final List<String> limitsReported = new CopyOnWriteArrayList<>();
  private final List<RawPeer> attackers = new ArrayList<>();
  private String honestFailure = "";

  /**
   * Paranoid leak tracking (which the build sets for every class) records a stack trace per
   * buffer access, so under a flood it is most of the heap: what these cases would measure is
   * the tracker. Sampled tracking still reports leaks, and still fails the class on one.
   */
  @BeforeAll
  static void trackLeaksBySampling() {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
  }

  @BeforeEach
  void startHosts(TestInfo info) {
    victim = HostileHosts.victim(new EventListener() {
      @Override
      public void limitExceeded(Optional<PeerId> peer, LimitExceededException cause) {
        limitsReported.add(cause.getMessage());
      }
    });
    honest = HostileHosts.honest();
    victim.start().join();
    honest.start().join();
    target = HostileHosts.socketAddress(victim);
    victimPort = target.getPort();
    // Once before the baseline, so that it holds the classes, pools and connection state of an honest ping.
    if (honestPing().isEmpty()) {
      throw new IllegalStateException("the honest peer cannot ping the victim before any attack: " + honestFailure);
    }
    baseline = ResourceProbe.snapshot();
    figures = new Figures(getClass().getSimpleName() + "." + info.getTestMethod().orElseThrow().getName(), baseline);
  }

  @AfterEach
  void closeHosts() {
    releaseAttackers();
    honest.close();
    victim.close();
  }

  /** A new attacker connection from 127.0.0.2, aborted after the case. */
  protected RawPeer attacker() throws IOException {
    return attacker(RawPeer.ATTACKER);
  }

  /** A new attacker connection from {@code source}, aborted after the case. */
  protected RawPeer attacker(InetAddress source) throws IOException {
    RawPeer peer = RawPeer.connect(target, source);
    synchronized (attackers) {
      attackers.add(peer);
    }
    return peer;
  }

  /** Aborts every attacker connection made so far. */
  protected void releaseAttackers() {
    synchronized (attackers) {
      attackers.forEach(RawPeer::abort);
      attackers.clear();
    }
  }

  /**
   * The honest peer drops its connections to the victim, dials it afresh from 127.0.0.1 and
   * pings it: what a newcomer gets from the victim now.
   *
   * @return the dial and ping together; empty if they failed or took longer than {@link
   *     #HONEST_PING_WITHIN}, the reason kept for the verdict
   */
  protected Optional<Duration> honestPing() {
    long start = System.nanoTime();
    try {
      for (Connection connection : honest.connections()) {
        connection.closeNow().get(HONEST_PING_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
      }
      dialAsAnHonestPeerWould(start);
      long left = HONEST_PING_WITHIN.toNanos() - (System.nanoTime() - start);
      HostileHosts.ping(honest).ping(victim.peerId()).get(Math.max(1, left), TimeUnit.NANOSECONDS);
      return Optional.of(Duration.ofNanos(System.nanoTime() - start));
    } catch (Exception e) {
      honestFailure = e.toString();
      return Optional.empty();
    }
  }

  /**
   * Dials the victim, and again after a refusal, as an honest peer redials with a backoff: a host
   * whose handshake slots an attacker filled makes room by dropping the oldest of them.
   */
  private void dialAsAnHonestPeerWould(long start) throws Exception {
    while (true) {
      long left = HONEST_PING_WITHIN.toNanos() - (System.nanoTime() - start);
      try {
        honest.dial(victim.listenAddresses().get(0)).get(Math.max(1, left), TimeUnit.NANOSECONDS);
        return;
      } catch (ExecutionException refused) {
        if (System.nanoTime() - start + REDIAL_BACKOFF.toNanos() >= HONEST_PING_WITHIN.toNanos()) {
          throw refused;
        }
        Thread.sleep(REDIAL_BACKOFF.toMillis()); // a backoff between attempts, not a wait for an event
      }
    }
  }

  private static final Duration REDIAL_BACKOFF = Duration.ofMillis(250);

  /**
   * Waits up to {@code within} for {@code condition}, polling.
   *
   * @return the time from {@code sinceNanos} (a {@link System#nanoTime()}) until it held; empty
   *     if it did not hold in time
   */
  protected static Optional<Duration> awaitQuietly(String what, long sinceNanos, Duration within, BooleanSupplier condition)
      throws InterruptedException {
    try {
      Eventually.await(what, within, condition);
      return Optional.of(Duration.ofNanos(System.nanoTime() - sinceNanos));
    } catch (AssertionError notInTime) {
      return Optional.empty();
    }
  }

  /**
   * {@code condition}, looked at no more often than every {@code interval}: for conditions that
   * read the socket tables, which hold thousands of lines during a connection flood.
   */
  protected static BooleanSupplier atMostEvery(Duration interval, BooleanSupplier condition) {
    long[] lastLook = {System.nanoTime() - interval.toNanos()};
    boolean[] lastValue = {false};
    return () -> {
      long now = System.nanoTime();
      if (now - lastLook[0] >= interval.toNanos()) {
        lastValue[0] = condition.getAsBoolean();
        lastLook[0] = now;
      }
      return lastValue[0];
    };
  }

  /** Work an attacker does on a thread of its own, such as writing while nobody reads. */
  @FunctionalInterface
  protected interface IoTask {
    void run() throws IOException;
  }

  /**
   * Runs {@code task} on a daemon thread named {@code probe-<name>} (left out of the thread
   * counts). Its future fails with the task's exception: for a writer, typically the victim
   * cutting it off. Aborting the attacker ends a writer that blocks.
   */
  protected static CompletableFuture<Void> inBackground(String name, IoTask task) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        task.run();
        done.complete(null);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    }, ResourceProbe.OWN_THREAD_PREFIX + name);
    thread.setDaemon(true);
    thread.start();
    return done;
  }

  /**
   * Times, on a thread of its own, how long after {@code sinceNanos} (a {@link System#nanoTime()})
   * {@code cutOff} comes to hold, looking for at most {@code within}: what the case does
   * meanwhile (a live-heap sample, the honest ping) does not add to the figure.
   *
   * @return completes with the time, or empty if {@code cutOff} did not hold in time
   */
  protected static CompletableFuture<Optional<Duration>> timeCutOff(
      String what, long sinceNanos, Duration within, BooleanSupplier cutOff) {
    CompletableFuture<Optional<Duration>> timed = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        timed.complete(awaitQuietly(what, sinceNanos, within, cutOff));
      } catch (InterruptedException e) {
        timed.complete(Optional.empty());
      }
    }, ResourceProbe.OWN_THREAD_PREFIX + "cutoff");
    thread.setDaemon(true);
    thread.start();
    return timed;
  }

  /** {@link #timeCutOff} of the victim letting go of its side of {@code peer}'s connection. */
  private CompletableFuture<Optional<Duration>> timeVictimLettingGo(RawPeer peer, long sinceNanos, Duration within) {
    int port = peer.localPort();
    return timeCutOff("the victim lets go of the attacker on port " + port, sinceNanos, within,
        () -> !SocketTable.victimHolds(victimPort, port));
  }

  /** {@link #timeCutOff} of the victim letting go of every attacker socket; looks every 100 ms. */
  protected CompletableFuture<Optional<Duration>> timeVictimLettingGoOfAll(long sinceNanos, Duration within) {
    return timeCutOff("the victim lets go of every attacker", sinceNanos, within,
        atMostEvery(Duration.ofMillis(100), () -> victimSocketsForAttackers() == 0));
  }

  /**
   * Waits until {@code writing} is done and the victim has read all of it (its side's receive
   * queue is empty), or has let go of the connection: the moment an attack weighs most.
   */
  protected void awaitVictimReadAll(RawPeer peer, CompletableFuture<?> writing, Duration within)
      throws InterruptedException {
    int port = peer.localPort();
    awaitQuietly("the victim reads what the attacker on port " + port + " sent", System.nanoTime(), within, () -> {
      if (!writing.isDone()) {
        return false;
      }
      SocketTable.TcpSocket side = SocketTable.victimSide(victimPort, port);
      return side == null || side.receiveQueue() == 0;
    });
  }

  /** The longest of {@code cutoffs}; empty if any is. */
  private static Optional<Duration> slowest(Collection<Optional<Duration>> cutoffs) {
    return cutoffs.stream().allMatch(Optional::isPresent)
        ? cutoffs.stream().map(Optional::get).max(Duration::compareTo)
        : Optional.empty();
  }

  /**
   * The victim's side of {@code peer}'s upgraded connection, once the victim has adopted it.
   *
   * @throws AssertionError if it does not within {@link #PROMPT_CUTOFF}
   */
  protected Connection victimConnectionOf(RawPeer peer) throws Exception {
    String port = Integer.toString(peer.localPort());
    return Eventually.await("the victim adopts the attacker's connection", PROMPT_CUTOFF,
        () -> victim.connections().stream()
            .filter(c -> c.remoteAddress().valueOf(MultiaddrProtocol.TCP).orElse("").equals(port))
            .findFirst(),
        Optional::isPresent).orElseThrow();
  }

  /**
   * Starts sampling the process's peaks ({@link ResourceProbe#sample()}) and the sockets the
   * victim holds for anyone but the honest peer, as the gauge {@value #VICTIM_SOCKETS}.
   */
  protected ResourceProbe.Sampler sample() {
    return ResourceProbe.sample().watch(VICTIM_SOCKETS, this::victimSocketsForAttackers);
  }

  /** The gauge of the sockets the victim holds for anyone but the honest peer. */
  static final String VICTIM_SOCKETS = "victimSockets";

  /** Sockets the victim holds for anyone but the honest peer. */
  protected int victimSocketsForAttackers() {
    return SocketTable.heldByVictimExceptFrom(victimPort, RawPeer.HONEST.getHostAddress());
  }

  /**
   * Aborts the attackers and gives the victim {@link #SETTLE_WITHIN} to let go of every socket and
   * return to its baseline of descriptors and threads; then measures, after collecting garbage.
   */
  protected ResourceProbe.Snapshot settle() throws InterruptedException {
    releaseAttackers();
    ResourceProbe.Snapshot after = null;
    // Twice at most: a descriptor the JVM opens for a moment (a class file, a socket of the
    // honest peer's last dial closing) can show in the snapshot taken after the first wait.
    for (int look = 0; look < 2 && (after == null || !settled(after)); look++) {
      awaitQuietly("the victim settles back to its baseline", System.nanoTime(), look == 0 ? SETTLE_WITHIN : SECOND_LOOK,
          () -> victimSocketsForAttackers() == 0
              && ResourceProbe.openFds() <= baseline.fds() + FD_SLACK
              && ResourceProbe.liveThreads() <= baseline.threads() + THREAD_SLACK);
      after = ResourceProbe.snapshot();
    }
    figures.after(after);
    return after;
  }

  /** The second look's wait: for a descriptor open a moment, not for a victim still letting go. */
  private static final Duration SECOND_LOOK = Duration.ofSeconds(1);

  private boolean settled(ResourceProbe.Snapshot after) {
    return after.fds() <= baseline.fds() + FD_SLACK && after.threads() <= baseline.threads() + THREAD_SLACK;
  }

  // ---- the shapes of a case ----

  /**
   * What a case measured of its attack, for its {@link #verdict}.
   *
   * @param cutoffs when each offender (by what it is, for the failure message) was cut off; empty
   *     if it was not within the time looked for
   * @param bound what each cut-off must be within
   * @param ping the honest peer's dial and ping, as {@link #honestPing()} returns it
   * @param sampler the peaks sampled during the attack
   * @param after what the victim held once the attackers were gone ({@link #settle()})
   */
  protected record Outcome(Map<String, Optional<Duration>> cutoffs, Duration bound, Optional<Duration> ping,
      ResourceProbe.Sampler sampler, ResourceProbe.Snapshot after) {}

  /** An attack set going, which returns the timer of its offender's cut-off ({@link #timeCutOff}). */
  @FunctionalInterface
  protected interface Attack {
    CompletableFuture<Optional<Duration>> start() throws Exception;
  }

  /** One of several attacks, on a connection of its own, which returns how long until it was cut off. */
  @FunctionalInterface
  protected interface TimedAttack<A> {
    Optional<Duration> run(String name, A attack) throws Exception;
  }

  /**
   * A case with one offender: under {@code sampler}, which this closes, {@code attack} sets the
   * attack going and returns once it weighs most; then the live heap is sampled, the honest peer
   * pings, and the cut-off is awaited. The figures are recorded, then {@code ownFigures} runs
   * (still under the sampler: a case's own figures, and whatever ends its attack), and the victim
   * settles.
   */
  protected Outcome cutOffOnce(ResourceProbe.Sampler sampler, String offender, Duration bound, Attack attack,
      Runnable ownFigures) throws Exception {
    Optional<Duration> cutoff;
    Optional<Duration> ping;
    try (sampler) {
      CompletableFuture<Optional<Duration>> timer = attack.start();
      sampler.markLiveHeap();
      ping = honestPing();
      cutoff = timer.join();
      figures.cutoff(cutoff, bound).honestPing(ping).peaks(sampler);
      ownFigures.run();
    }
    return new Outcome(Map.of(offender, cutoff), bound, ping, sampler, settle());
  }

  /**
   * A flood from {@code peer}: {@link #cutOffOnce} of {@code writer} running on a thread of its
   * own, which weighs most once it is done and the victim has read all of it (or let go), looked
   * for within {@code bound}. The victim letting go of {@code peer} is timed from the flood's start
   * for up to {@link #FLOOD_CUTOFF} whatever the bound, so that a late cut-off shows how late.
   *
   * @param ownFigures records the case's own figures, given the writer's future
   */
  protected Outcome flood(RawPeer peer, ResourceProbe.Sampler sampler, String offender, Duration bound, IoTask writer,
      Consumer<CompletableFuture<Void>> ownFigures) throws Exception {
    AtomicReference<CompletableFuture<Void>> writing = new AtomicReference<>();
    return cutOffOnce(sampler, offender, bound, () -> {
      CompletableFuture<Optional<Duration>> timer = timeVictimLettingGo(peer, System.nanoTime(), FLOOD_CUTOFF);
      writing.set(inBackground("flood", writer));
      awaitVictimReadAll(peer, writing.get(), bound);
      return timer;
    }, () -> ownFigures.accept(writing.get()));
  }

  /**
   * Several attacks, one after another under one sampler, each on a connection of its own that
   * {@code attack} makes and times: each must be cut off within {@link #PROMPT_CUTOFF}. Each time
   * is recorded as the figure {@code <name>Ms}, the slowest as the cut-off; then the honest peer
   * pings and the victim settles.
   *
   * @param offender what the attack of a name is, for the failure message
   */
  protected <A> Outcome eachCutOffPromptly(Map<String, A> attacks, Function<String, String> offender,
      TimedAttack<A> attack) throws Exception {
    Map<String, Optional<Duration>> cutoffs = new LinkedHashMap<>();
    ResourceProbe.Sampler sampler = sample();
    try (sampler) {
      for (Map.Entry<String, A> each : attacks.entrySet()) {
        Optional<Duration> cutoff = attack.run(each.getKey(), each.getValue());
        cutoffs.put(offender.apply(each.getKey()), cutoff);
        figures.put(each.getKey() + "Ms", cutoff.map(d -> Long.toString(d.toMillis())).orElse("none"));
      }
      sampler.markLiveHeap();
      figures.cutoff(slowest(cutoffs.values()), PROMPT_CUTOFF).peaks(sampler);
    }
    return pingThenSettle(cutoffs, PROMPT_CUTOFF, sampler);
  }

  /**
   * For a case whose offenders were cut off before the honest peer tries: its ping, recorded, and
   * the victim settled.
   */
  protected Outcome pingThenSettle(Map<String, Optional<Duration>> cutoffs, Duration bound,
      ResourceProbe.Sampler sampler) throws InterruptedException {
    Optional<Duration> ping = honestPing();
    figures.honestPing(ping);
    return new Outcome(cutoffs, bound, ping, sampler, settle());
  }

  /** {@link #sendAndTimeEnd(RawPeer, byte[], IoTask)} with nothing read meanwhile. */
  protected static Optional<Duration> sendAndTimeEnd(RawPeer peer, byte[] bytes) {
    return sendAndTimeEnd(peer, bytes, () -> { });
  }

  /**
   * Sends {@code bytes} on {@code peer}, runs {@code meanwhile} (such as reading what the victim
   * says before it closes), and times how long until the victim ends the connection, looking for
   * {@link #PROMPT_CUTOFF}.
   *
   * @return the time from the send; a reset while writing or reading is the end too
   */
  protected static Optional<Duration> sendAndTimeEnd(RawPeer peer, byte[] bytes, IoTask meanwhile) {
    long sent = System.nanoTime();
    try {
      peer.send(bytes);
      meanwhile.run();
      return peer.awaitEnd(sent, PROMPT_CUTOFF);
    } catch (IOException e) {
      return Optional.of(Duration.ofNanos(System.nanoTime() - sent));
    }
  }

  /**
   * Prints the figures, then checks, failing with all that failed: that every offender of {@code
   * outcome} was cut off within its bound, {@code ownChecks}, that the victim stayed within its
   * limits, that the honest peer pinged, and that the victim is back to its baseline.
   */
  protected void verdict(Outcome outcome, Executable... ownChecks) {
    List<Executable> checks = new ArrayList<>();
    outcome.cutoffs().forEach((offender, cutoff) -> checks.add(cutOffWithin(offender, cutoff, outcome.bound())));
    checks.addAll(List.of(ownChecks));
    checks.add(withinLimits(outcome.sampler()));
    checks.add(honestPeerPinged(outcome.ping()));
    checks.add(backToBaseline(outcome.after()));
    figures.print();
    assertAll(figures.line(), checks.stream());
  }

  /** A check that the victim's event listener heard of a limit whose message contains {@code text}. */
  protected Executable limitReported(String text) {
    return () -> assertTrue(limitsReported.stream().anyMatch(m -> m.contains(text)),
        "the victim's event listener heard of no limit about \"" + text + "\"; it heard " + limitsReported);
  }

  /**
   * A flood of {@code opens} stream opens on {@code peer}'s connection, sent by {@code writer}: the
   * victim must keep its streams there within its cap, say so to its event listener, and cut the
   * opener off.
   */
  protected void streamOpenFlood(RawPeer peer, int opens, IoTask writer) throws Exception {
    Connection attacked = victimConnectionOf(peer);
    ResourceProbe.Sampler sampler = sample().watch("victimStreams", attacked::openStreams);
    Outcome outcome = flood(peer, sampler, "the attacker opening " + opens + " streams", FLOOD_CUTOFF, writer,
        writing -> figures.put("opensSent", opens));
    int peakStreams = sampler.peak("victimStreams");
    verdict(outcome,
        () -> assertTrue(peakStreams <= HostileHosts.MAX_STREAMS + VICTIMS_OWN_STREAMS,
            "the victim had " + peakStreams + " streams open on one connection; its cap is " + HostileHosts.MAX_STREAMS),
        limitReported("stream opens refused in a row"));
  }

  // ---- the checks every case makes ----

  private static Executable cutOffWithin(String offender, Optional<Duration> cutoff, Duration bound) {
    return () -> assertTrue(cutoff.isPresent() && cutoff.get().compareTo(bound) <= 0,
        offender + " was not cut off within " + bound.toMillis() + " ms"
            + cutoff.map(d -> " (it took " + d.toMillis() + " ms)").orElse(""));
  }

  /**
   * The victim stayed within its limits while attacked: live heap and direct memory grew by at
   * most their budgets, and it started no thread per connection or stream.
   */
  private Executable withinLimits(ResourceProbe.Sampler sampler) {
    long heap = sampler.peakLiveHeap() - baseline.liveHeap();
    long direct = sampler.peakDirect() - baseline.directMemory();
    int threads = sampler.peakThreads();
    return () -> assertAll("under attack",
        () -> assertTrue(heap <= HEAP_BUDGET, String.format(Locale.ROOT,
            "the victim's live heap grew by %.1f MiB; the budget is %.0f MiB", heap / MIB, HEAP_BUDGET / MIB)),
        () -> assertTrue(direct <= DIRECT_BUDGET, String.format(Locale.ROOT,
            "Netty's direct memory grew by %.1f MiB; the budget is %.0f MiB", direct / MIB, DIRECT_BUDGET / MIB)),
        () -> assertTrue(threads <= baseline.threads() + THREAD_SLACK,
            "live threads peaked at " + threads + ", baseline " + baseline.threads()));
  }

  private Executable backToBaseline(ResourceProbe.Snapshot after) {
    List<SocketTable.TcpSocket> held = SocketTable.heldByVictim(victimPort).stream()
        .filter(socket -> !socket.remoteIp().equals(RawPeer.HONEST.getHostAddress()))
        .toList();
    return () -> assertAll("once the attack is over",
        () -> assertTrue(held.isEmpty(),
            "the victim still holds " + held.size() + " attacker sockets " + SETTLE_WITHIN.toSeconds()
                + " s after the attackers left: " + held.stream().limit(5).toList()),
        () -> assertTrue(after.fds() <= baseline.fds() + FD_SLACK,
            "open descriptors: " + after.fds() + ", baseline " + baseline.fds()),
        () -> assertTrue(after.threads() <= baseline.threads() + THREAD_SLACK,
            "live threads: " + after.threads() + ", baseline " + baseline.threads()),
        () -> assertTrue(after.liveHeap() - baseline.liveHeap() <= AFTER_HEAP_SLACK, String.format(Locale.ROOT,
            "the victim kept %.1f MiB of live heap after the attack", (after.liveHeap() - baseline.liveHeap()) / MIB)));
  }

  private Executable honestPeerPinged(Optional<Duration> ping) {
    String failure = honestFailure;
    return () -> assertTrue(ping.isPresent(),
        "the honest peer could not dial and ping the victim within " + HONEST_PING_WITHIN.toSeconds() + " s: " + failure);
  }
}
