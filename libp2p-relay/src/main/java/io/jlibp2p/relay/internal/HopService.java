package io.jlibp2p.relay.internal;

import com.google.protobuf.ByteString;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.ConnectionLimit;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.host.ServiceContext;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.resource.internal.ResourceManager;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import io.jlibp2p.relay.CircuitRelay;
import io.jlibp2p.relay.RelayStatus;
import io.jlibp2p.relay.ReservationVoucher;
import io.jlibp2p.relay.internal.pb.CircuitProtos;
import io.jlibp2p.relay.internal.pb.CircuitProtos.HopMessage;
import io.jlibp2p.relay.internal.pb.CircuitProtos.StopMessage;
import io.netty.channel.ChannelFutureListener;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's side of the hop protocol: answers RESERVE and CONNECT on each hop stream, holds the
 * reservations, counts the circuits, and splices each granted circuit's two streams.
 */
public final class HopService {

  private static final Logger log = LoggerFactory.getLogger(HopService.class);

  /** Tag on a reserving peer in the connection manager, as go's relay tags it. */
  private static final String RESERVATION_TAG = "relay-reservation";
  private static final int RESERVATION_TAG_VALUE = 10;

  private record Reservation(Instant expire, String ip, Connection connection) {}

  private final ServiceContext context;
  private final Host host;
  private final Supplier<String> serviceName;
  private final Duration ttl;
  private final int maxReservations;
  private final int maxReservationsPerIp;
  private final int maxCircuitsPerPeer;
  private final ConnectionLimit limit;
  /** Guarded by {@code this}, as are the counts below. */
  private final Map<PeerId, Reservation> reservations = new HashMap<>();
  private final Map<PeerId, Integer> circuitsPerPeer = new HashMap<>();
  private int circuits;

  public HopService(ServiceContext context, Supplier<String> serviceName, Duration ttl, int maxReservations,
      int maxReservationsPerIp, int maxCircuitsPerPeer, ConnectionLimit limit) {
    this.context = context;
    this.host = context.host();
    this.serviceName = serviceName;
    this.ttl = ttl;
    this.maxReservations = maxReservations;
    this.maxReservationsPerIp = maxReservationsPerIp;
    this.maxCircuitsPerPeer = maxCircuitsPerPeer;
    this.limit = limit;
  }

  public synchronized int reservations() {
    return reservations.size();
  }

  public synchronized int circuits() {
    return circuits;
  }

  /** Serves one hop stream. */
  public void handle(Stream stream) {
    MessageReader.readOne(stream, RelayMessages::parseHop, "a hop request", CircuitRelay.HANDSHAKE_TIMEOUT,
        (request, failure) -> {
          if (failure != null) {
            if (MessageReader.malformed(failure)) {
              // As go answers any request it cannot read.
              refuse(stream, RelayStatus.MALFORMED_MESSAGE, MessageReader.cause(failure).getMessage());
            } else {
              log.debug("hop stream from {} failed: {}", stream.remotePeer(), failure.getMessage());
              stream.reset();
            }
            return;
          }
          Connection connection = stream.connection();
          if (connection.limit().isPresent()) {
            // A relay of relayed connections would let a circuit's limits be stretched without end.
            refuse(stream, RelayStatus.PERMISSION_DENIED, "hop requests over a relayed connection are refused");
            return;
          }
          switch (request.getType()) {
            case RESERVE -> reserve(stream, connection);
            case CONNECT -> connect(stream, connection, request);
            default -> refuse(stream, RelayStatus.UNEXPECTED_MESSAGE, "a hop stream starts with RESERVE or CONNECT, not "
                + request.getType());
          }
        });
  }

  private void reserve(Stream stream, Connection connection) {
    PeerId peer = connection.remotePeer();
    String ip = ResourceManager.ipKey(connection.remoteAddress());
    Instant now = context.clock().instant();
    Instant expire = Instant.ofEpochSecond(now.getEpochSecond()).plus(ttl);
    boolean added;
    List<PeerId> expired = new ArrayList<>();
    synchronized (this) {
      reservations.entrySet().removeIf(entry -> {
        boolean over = !entry.getValue().expire().isAfter(now);
        if (over) {
          expired.add(entry.getKey());
        }
        return over;
      });
      Reservation existing = reservations.get(peer);
      added = existing == null || existing.connection() != connection;
      if (existing == null) {
        if (reservations.size() >= maxReservations) {
          refuse(stream, RelayStatus.RESERVATION_REFUSED, "the relay holds its maximum of " + maxReservations
              + " reservations");
          return;
        }
        if (ip != null && reservations.values().stream().filter(r -> ip.equals(r.ip())).count() >= maxReservationsPerIp) {
          refuse(stream, RelayStatus.RESERVATION_REFUSED, "the relay holds its maximum of " + maxReservationsPerIp
              + " reservations from " + ip);
          return;
        }
      }
      // One per peer: a second request refreshes the first.
      reservations.put(peer, new Reservation(expire, ip, connection));
    }
    expired.stream().filter(p -> !p.equals(peer)).forEach(p -> context.host().connectionManager().untagPeer(p, RESERVATION_TAG));
    if (added) {
      context.host().connectionManager().tagPeer(peer, RESERVATION_TAG, RESERVATION_TAG_VALUE);
      connection.closeFuture().whenComplete((ignored, error) -> dropReservation(peer, connection));
    }
    CircuitProtos.Reservation.Builder reservation = CircuitProtos.Reservation.newBuilder()
        .setExpire(expire.getEpochSecond())
        .setVoucher(ByteString.copyFrom(new ReservationVoucher(host.peerId(), peer, expire).seal(host.identity()).marshal()));
    for (Multiaddr address : host.listenAddresses()) {
      if (reachable(address)) {
        reservation.addAddrs(ByteString.copyFrom(address.toBytes()));
      }
    }
    HopMessage.Builder answer = grant();
    // A relay with many addresses names as many as fit in one message.
    while (answer.clone().setReservation(reservation).build().getSerializedSize() > RelayMessages.MAX_MESSAGE_SIZE
        && reservation.getAddrsCount() > 0) {
      List<ByteString> fewer = new ArrayList<>(reservation.getAddrsList().subList(0, reservation.getAddrsCount() - 1));
      reservation.clearAddrs().addAllAddrs(fewer);
    }
    answer.setReservation(reservation);
    log.debug("reservation for {} until {}", peer, expire);
    RelayMessages.send(stream, answer.build()).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * Whether a listen address is one to hand out: not a circuit through another relay, and not a
   * wildcard (0.0.0.0, ::), which names no host another peer could dial.
   */
  private static boolean reachable(Multiaddr address) {
    if (address.has(MultiaddrProtocol.P2P_CIRCUIT)) {
      return false;
    }
    String ip = address.valueOf(MultiaddrProtocol.IP4).or(() -> address.valueOf(MultiaddrProtocol.IP6)).orElse(null);
    return ip == null || !(ip.equals("0.0.0.0") || ip.equals("::"));
  }

  /** The reservation of {@code peer} on {@code connection} ends with it (a newer one on another connection stays). */
  private void dropReservation(PeerId peer, Connection connection) {
    boolean dropped;
    synchronized (this) {
      Reservation current = reservations.get(peer);
      dropped = current != null && current.connection() == connection;
      if (dropped) {
        reservations.remove(peer);
      }
    }
    if (dropped) {
      context.host().connectionManager().untagPeer(peer, RESERVATION_TAG);
    }
  }

  private void connect(Stream source, Connection connection, HopMessage request) {
    PeerId from = connection.remotePeer();
    if (!request.hasPeer()) {
      refuse(source, RelayStatus.MALFORMED_MESSAGE, "a CONNECT without the peer to connect to");
      return;
    }
    PeerId to = RelayMessages.peerId(request.getPeer());
    Reservation reservation;
    synchronized (this) {
      reservation = reservations.get(to);
      if (reservation == null || !reservation.expire().isAfter(context.clock().instant())
          || !reservation.connection().isOpen()) {
        reservation = null;
      } else if (count(from) >= maxCircuitsPerPeer || count(to) >= maxCircuitsPerPeer) {
        refuse(source, RelayStatus.RESOURCE_LIMIT_EXCEEDED, "a peer of the circuit is at its maximum of "
            + maxCircuitsPerPeer + " circuits");
        return;
      } else {
        circuitsPerPeer.merge(from, 1, Integer::sum);
        circuitsPerPeer.merge(to, 1, Integer::sum);
        circuits++;
      }
    }
    if (reservation == null) {
      refuse(source, RelayStatus.NO_RESERVATION, to + " holds no reservation on this relay");
      return;
    }
    // Nothing more is read from the source until the circuit is there to take it.
    source.config().setAutoRead(false);
    AtomicBoolean released = new AtomicBoolean();
    Runnable release = () -> {
      if (released.compareAndSet(false, true)) {
        release(from, to);
      }
    };
    CompletableFuture<Stream> stop;
    try {
      stop = host.newStream(reservation.connection(), target -> openCircuit(source, target, from, release),
          CircuitRelay.STOP_PROTOCOL_ID);
    } catch (RuntimeException e) {
      // The target's connection closed since it was looked at.
      stop = CompletableFuture.failedFuture(e);
    }
    stop.whenComplete((target, error) -> {
          if (error != null) {
            release.run();
            source.eventLoop().execute(() -> refuse(source, RelayStatus.CONNECTION_FAILED,
                "the stop stream to " + to + " failed: " + error.getMessage()));
          }
        });
  }

  /** On the stop stream to the target, once its protocol is agreed: asks it to take the circuit. */
  private void openCircuit(Stream source, Stream target, PeerId from, Runnable release) {
    try {
      target.scope().setService(serviceName.get());
    } catch (LimitExceededException e) {
      release.run();
      target.reset();
      source.eventLoop().execute(() -> refuse(source, RelayStatus.RESOURCE_LIMIT_EXCEEDED, e.getMessage()));
      return;
    }
    StopMessage.Builder connect = StopMessage.newBuilder()
        .setType(StopMessage.Type.CONNECT)
        .setPeer(CircuitProtos.Peer.newBuilder().setId(ByteString.copyFrom(from.toBytes())));
    if (!limit.equals(ConnectionLimit.UNLIMITED)) {
      connect.setLimit(RelayMessages.limit(limit));
    }
    source.closeFuture().addListener(f -> {
      if (target.pipeline().get("circuit") == null) {
        target.reset(); // the source gave up before the circuit was made
      }
    });
    MessageReader.readOne(target, RelayMessages::parseStop, "the target's answer to CONNECT", CircuitRelay.HANDSHAKE_TIMEOUT,
        (answer, failure) -> {
          String why = failure != null ? failure.getMessage() : stopRefusal(answer);
          if (why != null || !source.isActive()) {
            release.run();
            target.reset();
            source.eventLoop().execute(() -> refuse(source, RelayStatus.CONNECTION_FAILED,
                target.remotePeer() + " did not take the circuit: " + why));
            return;
          }
          // Written now, from this thread, so that it goes out before anything forwarded to the
          // source: the target may write first (a multistream header) as soon as it is joined, and
          // a forwarded write from this thread follows this one whether both streams share an
          // event loop or not.
          RelayMessages.send(source, grant().build());
          CircuitSplice.join(source, target, limit, release);
          MessageReader.handOff(target);
          source.eventLoop().execute(() -> {
            MessageReader.handOff(source);
            // Reads follow the target's writability from now on, as the splice's do.
            source.config().setAutoRead(target.isWritable());
          });
        });
    RelayMessages.send(target, connect.build());
  }

  /** A STATUS OK with the circuits' limit (none on the wire when unlimited): a RESERVE's or CONNECT's yes. */
  private HopMessage.Builder grant() {
    HopMessage.Builder answer = HopMessage.newBuilder()
        .setType(HopMessage.Type.STATUS)
        .setStatus(RelayMessages.status(RelayStatus.OK));
    if (!limit.equals(ConnectionLimit.UNLIMITED)) {
      answer.setLimit(RelayMessages.limit(limit));
    }
    return answer;
  }

  /** Why a target's answer to CONNECT is not its consent; null when it is. */
  private static String stopRefusal(StopMessage answer) {
    if (answer.getType() != StopMessage.Type.STATUS) {
      return "it answered with " + answer.getType() + " instead of STATUS";
    }
    try {
      RelayStatus status = RelayMessages.status(answer.hasStatus(), answer.getStatusValue());
      return status == RelayStatus.OK ? null : "it answered " + status;
    } catch (DecodingException e) {
      return e.getMessage();
    }
  }

  private int count(PeerId peer) {
    return circuitsPerPeer.getOrDefault(peer, 0);
  }

  private synchronized void release(PeerId from, PeerId to) {
    circuitsPerPeer.computeIfPresent(from, (p, n) -> n == 1 ? null : n - 1);
    circuitsPerPeer.computeIfPresent(to, (p, n) -> n == 1 ? null : n - 1);
    circuits--;
  }

  /** Answers with {@code status} and closes the stream. */
  private static void refuse(Stream stream, RelayStatus status, String why) {
    log.debug("refusing {} on a hop stream from {}: {}", status, stream.remotePeer(), why);
    HopMessage answer = HopMessage.newBuilder()
        .setType(HopMessage.Type.STATUS)
        .setStatus(RelayMessages.status(status))
        .build();
    RelayMessages.send(stream, answer).addListener(ChannelFutureListener.CLOSE);
  }
}
