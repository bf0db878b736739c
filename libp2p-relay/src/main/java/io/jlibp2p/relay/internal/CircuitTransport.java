package io.jlibp2p.relay.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.host.ServiceContext;
import io.jlibp2p.core.host.StreamHandler;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.transport.RawConnection;
import io.jlibp2p.core.transport.RawConnectionHandler;
import io.jlibp2p.core.transport.Transport;
import io.jlibp2p.core.transport.TransportException;
import io.jlibp2p.core.transport.TransportListener;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.relay.CircuitRelay;
import io.jlibp2p.relay.RelayException;
import io.jlibp2p.relay.RelayStatus;
import io.jlibp2p.relay.Reservation;
import io.jlibp2p.relay.internal.pb.CircuitProtos;
import io.jlibp2p.relay.internal.pb.CircuitProtos.HopMessage;
import io.jlibp2p.relay.internal.pb.CircuitProtos.StopMessage;
import io.netty.channel.ChannelFutureListener;
import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport of circuit addresses: dials a peer through a relay (hop CONNECT), listens through
 * a relay (a reservation, see {@link CircuitListener}), and takes the circuits relays open to this
 * host (stop CONNECT) from the relays it holds reservations on. Each circuit's stream is the raw
 * connection the host upgrades.
 */
public final class CircuitTransport implements Transport {

  private static final Logger log = LoggerFactory.getLogger(CircuitTransport.class);

  private final ServiceContext context;
  private final Host host;
  /** The reservation held on each relay. */
  private final Map<PeerId, CircuitListener> reservations = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public CircuitTransport(ServiceContext context) {
    this.context = context;
    this.host = context.host();
  }

  @Override
  public boolean canDial(Multiaddr address) {
    return CircuitAddress.parse(address).filter(a -> a.target().isPresent()).isPresent();
  }

  @Override
  public boolean canListen(Multiaddr address) {
    return CircuitAddress.parse(address).filter(a -> a.target().isEmpty()).isPresent();
  }

  /** The reservations held now. */
  public List<Reservation> reservations() {
    // Not those still waiting for the relay's grant, nor those ending.
    return reservations.values().stream().filter(CircuitListener::isActive).map(Reservation.class::cast).toList();
  }

  /** Opens a hop stream to the relay of {@code address}; {@code handler} sets it up. */
  CompletableFuture<Stream> openHop(CircuitAddress address, StreamHandler handler) {
    return address.relayIdOnly()
        ? host.newStream(address.relayPeer(), handler, CircuitRelay.HOP_PROTOCOL_ID)
        : host.dial(address.relay()).thenCompose(relay -> host.newStream(relay, handler, CircuitRelay.HOP_PROTOCOL_ID));
  }

  @Override
  public CompletableFuture<RawConnection> dial(Multiaddr address, RawConnectionHandler handler) {
    Optional<CircuitAddress> parsed = CircuitAddress.parse(address).filter(a -> a.target().isPresent());
    if (parsed.isEmpty()) {
      return CompletableFuture.failedFuture(new TransportException("the circuit relay transport cannot dial " + address
          + ": expected <relay address>/p2p/<relay>/p2p-circuit/p2p/<peer>"));
    }
    if (closed) {
      return CompletableFuture.failedFuture(new TransportException("the circuit relay transport is closed"));
    }
    CircuitAddress circuit = parsed.get();
    PeerId target = circuit.target().orElseThrow();
    HopMessage connect = HopMessage.newBuilder()
        .setType(HopMessage.Type.CONNECT)
        .setPeer(CircuitProtos.Peer.newBuilder().setId(ByteString.copyFrom(target.toBytes())))
        .build();
    return askRelay(circuit, connect, "a circuit to " + target, (stream, answer) -> {
      RawConnection raw = new RawConnection(stream, stream.connection().localAddress(),
          remoteOf(stream, circuit.relayPeer()), Direction.OUTBOUND,
          Optional.of(RelayMessages.limit(answer.hasLimit(), answer.getLimit())));
      handler.connected(raw);
      MessageReader.handOff(stream);
      return raw;
    });
  }

  /**
   * Sends {@code request} on a new hop stream to {@code relay} and reads its answer. An OK goes to
   * {@code granted}, inside the read that brought it (so that it may hand the stream on), which
   * makes the result of it; anything else closes the stream and fails the result with a {@link
   * RelayException} about {@code what} was asked for: a refusal with its status, no answer, an
   * answer {@code granted} cannot use.
   */
  <T> CompletableFuture<T> askRelay(CircuitAddress relay, HopMessage request, String what,
      BiFunction<Stream, HopMessage, T> granted) {
    CompletableFuture<T> result = new CompletableFuture<>();
    openHop(relay, stream -> {
      MessageReader.readOne(stream, RelayMessages::parseHop, "the relay's answer to " + request.getType(),
          CircuitRelay.HANDSHAKE_TIMEOUT, (answer, failure) -> {
            RelayException refusal = failure != null
                ? new RelayException("relay " + relay.relayPeer() + " did not answer the request for " + what, failure)
                : refusal(answer, what);
            if (refusal == null) {
              try {
                result.complete(granted.apply(stream, answer));
                return;
              } catch (RelayException e) {
                refusal = e;
              } catch (RuntimeException e) {
                // A voucher that does not verify, an address that is none: a grant not to rely on.
                refusal = new RelayException("relay " + relay.relayPeer() + " granted " + what + " that is unusable", e);
              }
            }
            stream.close();
            result.completeExceptionally(refusal);
          });
      RelayMessages.send(stream, request);
    }).whenComplete((stream, error) -> {
      if (error != null) {
        result.completeExceptionally(new RelayException("could not open a hop stream to relay " + relay.relayPeer()
            + " for " + what + ": " + error.getMessage(), error));
      }
    });
    return result;
  }

  /** The address a circuit's far end is at: the relay's address, its ID, {@code /p2p-circuit}. */
  private static Multiaddr remoteOf(Stream relayStream, PeerId relay) {
    return CircuitRelay.circuitAddress(relay.appendTo(relayStream.connection().remoteAddress()));
  }

  /**
   * Why a relay's hop answer is not a yes, as the exception to fail with; null when it is one.
   *
   * @param what what was asked for, for the message
   */
  private static RelayException refusal(HopMessage answer, String what) {
    if (answer.getType() != HopMessage.Type.STATUS) {
      return new RelayException("the relay answered " + answer.getType() + " instead of STATUS to the request for "
          + what, RelayStatus.UNEXPECTED_MESSAGE);
    }
    RelayStatus status;
    try {
      status = RelayMessages.status(answer.hasStatus(), answer.getStatusValue());
    } catch (DecodingException e) {
      return new RelayException("the relay's answer to the request for " + what + " is unusable", e);
    }
    return status == RelayStatus.OK ? null : new RelayException("the relay refused " + what, status);
  }

  @Override
  public CompletableFuture<TransportListener> listen(Multiaddr address, RawConnectionHandler handler) {
    Optional<CircuitAddress> parsed = CircuitAddress.parse(address).filter(a -> a.target().isEmpty());
    if (parsed.isEmpty()) {
      return CompletableFuture.failedFuture(new TransportException("the circuit relay transport cannot listen on "
          + address + ": expected <relay address>/p2p/<relay>/p2p-circuit"));
    }
    if (closed) {
      return CompletableFuture.failedFuture(new TransportException("the circuit relay transport is closed"));
    }
    CircuitAddress relay = parsed.get();
    CircuitListener listener = new CircuitListener(this, context, relay, handler);
    if (reservations.putIfAbsent(relay.relayPeer(), listener) != null) {
      return CompletableFuture.failedFuture(new TransportException("this host already holds a reservation on relay "
          + relay.relayPeer()));
    }
    listener.closeFuture().whenComplete((ignored, error) -> reservations.remove(relay.relayPeer(), listener));
    return listener.reserve().thenApply(TransportListener.class::cast);
  }

  /**
   * Serves a stop stream: a relay asks this host to take a circuit. Only relays it holds a
   * reservation on may; the circuit's stream becomes an inbound raw connection of that listener.
   */
  public void acceptCircuit(Stream stream) {
    MessageReader.readOne(stream, RelayMessages::parseStop, "a stop request", CircuitRelay.HANDSHAKE_TIMEOUT,
        (request, failure) -> {
          if (failure != null) {
            if (MessageReader.malformed(failure)) {
              answerStop(stream, RelayStatus.MALFORMED_MESSAGE, MessageReader.cause(failure).getMessage())
                  .addListener(ChannelFutureListener.CLOSE);
            } else {
              stream.reset();
            }
            return;
          }
          PeerId relay = stream.remotePeer();
          CircuitListener listener = reservations.get(relay);
          if (request.getType() != StopMessage.Type.CONNECT) {
            answerStop(stream, RelayStatus.UNEXPECTED_MESSAGE, "a stop stream starts with CONNECT, not " + request.getType())
                .addListener(ChannelFutureListener.CLOSE);
          } else if (!request.hasPeer()) {
            answerStop(stream, RelayStatus.MALFORMED_MESSAGE, "a CONNECT without the peer it is from")
                .addListener(ChannelFutureListener.CLOSE);
          } else if (listener == null || !listener.isActive()) {
            answerStop(stream, RelayStatus.PERMISSION_DENIED, "this host holds no reservation on " + relay)
                .addListener(ChannelFutureListener.CLOSE);
          } else {
            answerStop(stream, RelayStatus.OK, "circuit from " + RelayMessages.peerId(request.getPeer()));
            listener.accept(new RawConnection(stream, stream.connection().localAddress(), remoteOf(stream, relay),
                Direction.INBOUND, Optional.of(RelayMessages.limit(request.hasLimit(), request.getLimit()))));
            MessageReader.handOff(stream);
          }
        });
  }

  private static io.netty.channel.ChannelFuture answerStop(Stream stream, RelayStatus status, String why) {
    log.debug("answering {} to a stop request from {}: {}", status, stream.remotePeer(), why);
    return RelayMessages.send(stream, StopMessage.newBuilder()
        .setType(StopMessage.Type.STATUS)
        .setStatus(RelayMessages.status(status))
        .build());
  }

  @Override
  public void close() {
    closed = true;
    reservations.values().forEach(CircuitListener::cancel);
  }
}
