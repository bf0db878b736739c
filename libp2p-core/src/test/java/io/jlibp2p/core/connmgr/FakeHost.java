package io.jlibp2p.core.connmgr;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.connmgr.internal.ConnectionManagerListener;
import io.jlibp2p.core.connmgr.internal.DefaultConnectionManager;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.testing.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What a host does around a {@link DefaultConnectionManager}: a table of open connections that the
 * manager reads, {@code connected}/{@code disconnected} calls as the table changes, and a record of
 * what the listener was told.
 */
final class FakeHost {
  final ManualClock clock = new ManualClock();
  final List<FakeConnection> open = new CopyOnWriteArrayList<>();
  final List<Map.Entry<FakeConnection, ConnectionManagerListener.Reason>> reported = new CopyOnWriteArrayList<>();
  final DefaultConnectionManager manager;
  /** What a connection's close() does; by default it leaves the table at once, as a quick close would. */
  volatile Consumer<FakeConnection> closeBehaviour = this::disconnect;

  FakeHost(ConnectionManagerConfig config) {
    manager = new DefaultConnectionManager(config, clock, () -> List.copyOf(open),
        (connection, reason) -> reported.add(Map.entry((FakeConnection) connection, reason)));
  }

  static PeerId newPeer() {
    return PeerId.fromPublicKey(PrivateKey.generate().publicKey());
  }

  static List<PeerId> newPeers(int count) {
    List<PeerId> peers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      peers.add(newPeer());
    }
    return peers;
  }

  FakeConnection connect(PeerId peer) {
    return connect(peer, Direction.OUTBOUND);
  }

  FakeConnection connect(PeerId peer, Direction direction) {
    FakeConnection connection = new FakeConnection(peer, direction, clock.instant(), c -> closeBehaviour.accept(c));
    open.add(connection);
    manager.connected(connection);
    return connection;
  }

  void disconnect(FakeConnection connection) {
    if (open.remove(connection)) {
      manager.disconnected(connection);
    }
  }

  List<PeerId> openPeers() {
    return open.stream().map(FakeConnection::peer).distinct().toList();
  }

  List<FakeConnection> closed() {
    return reported.stream().map(Map.Entry::getKey).toList();
  }
}
