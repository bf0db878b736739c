package io.jlibp2p.integration.hostile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * This process's TCP sockets as Linux shows them ({@code /proc/net/tcp}, {@code /proc/net/tcp6},
 * {@code /proc/self/fd}). The attackers live in the victim's JVM, so a descriptor count alone
 * cannot tell the victim's sockets from theirs; this can: a victim-side socket has the victim's
 * listen port as its local port, and it is the victim's to hold while its inode is among this
 * process's descriptors (once the victim closes it, the kernel may keep it, orphaned, to deliver
 * what is queued, but that no longer costs the victim anything), or while it waits in the listen
 * socket's accept queue: established, with no inode yet, it becomes the victim's the moment the
 * victim gets round to accepting it, which under load can be well after the attacker is done.
 */
final class SocketTable {

  private static final int STATE_ESTABLISHED = 0x01;
  private static final int STATE_CLOSE_WAIT = 0x08;
  private static final int STATE_LISTEN = 0x0A;
  private static final String V4_MAPPED_PREFIX = "0000000000000000FFFF0000";

  /**
   * One socket.
   *
   * @param receiveQueue bytes that arrived and the socket's owner has not read yet
   * @param sendQueue bytes its owner wrote that the peer has not acknowledged
   */
  record TcpSocket(String localIp, int localPort, String remoteIp, int remotePort, int state,
      long sendQueue, long receiveQueue, long inode) {}

  private SocketTable() {}

  /**
   * The sockets the victim listening on {@code port} holds open or has yet to accept, from whatever
   * address.
   */
  static List<TcpSocket> heldByVictim(int port) {
    // The table first, the descriptors second: a socket accepted in between then shows as queued
    // (no inode yet) rather than as another process's, and one closed in between as let go.
    List<TcpSocket> sockets = all();
    Set<Long> own = ownSocketInodes();
    List<TcpSocket> held = new ArrayList<>();
    for (TcpSocket socket : sockets) {
      if (socket.localPort() == port && socket.state() != STATE_LISTEN
          && (own.contains(socket.inode()) || awaitsAccept(socket))) {
        held.add(socket);
      }
    }
    return held;
  }

  /**
   * Whether the socket sits in a listen socket's accept queue: a connection the kernel completed
   * (and the peer may have written to and half-closed) that no process has accepted yet. An
   * accepted socket that its owner closed is never in these states with no inode: closing it sends
   * a FIN.
   */
  private static boolean awaitsAccept(TcpSocket socket) {
    return socket.inode() == 0
        && (socket.state() == STATE_ESTABLISHED || socket.state() == STATE_CLOSE_WAIT);
  }

  /** How many of the victim's open sockets come from {@code remoteIp}. */
  static int heldByVictimFrom(int port, String remoteIp) {
    int count = 0;
    for (TcpSocket socket : heldByVictim(port)) {
      if (socket.remoteIp().equals(remoteIp)) {
        count++;
      }
    }
    return count;
  }

  /** How many of the victim's open sockets come from anywhere but {@code honestIp}. */
  static int heldByVictimExceptFrom(int port, String honestIp) {
    int count = 0;
    for (TcpSocket socket : heldByVictim(port)) {
      if (!socket.remoteIp().equals(honestIp)) {
        count++;
      }
    }
    return count;
  }

  /** Whether the victim still holds its side of the connection from {@code attackerPort}. */
  static boolean victimHolds(int port, int attackerPort) {
    return victimSide(port, attackerPort) != null;
  }

  /** The victim's side of the connection from {@code attackerPort}, or {@code null} once it let go. */
  static TcpSocket victimSide(int port, int attackerPort) {
    for (TcpSocket socket : heldByVictim(port)) {
      if (socket.remotePort() == attackerPort) {
        return socket;
      }
    }
    return null;
  }

  /** Every TCP socket of the machine's network namespace, IPv4 and IPv6. */
  static List<TcpSocket> all() {
    List<TcpSocket> sockets = new ArrayList<>();
    read(Path.of("/proc/net/tcp"), sockets);
    read(Path.of("/proc/net/tcp6"), sockets);
    return sockets;
  }

  /** The inodes of this process's socket descriptors. */
  static Set<Long> ownSocketInodes() {
    Set<Long> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
          continue; // closed while we looked
        }
        if (target.startsWith("socket:[")) {
          inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc/self/fd: the hostile suite needs Linux", e);
    }
    return inodes;
  }

  private static void read(Path table, List<TcpSocket> into) {
    List<String> lines;
    try {
      lines = Files.readAllLines(table);
    } catch (IOException e) {
      return; // no IPv6 on this machine
    }
    for (int i = 1; i < lines.size(); i++) {
      String[] fields = lines.get(i).trim().split("\\s+");
      if (fields.length < 10) {
        continue;
      }
      String[] local = fields[1].split(":");
      String[] remote = fields[2].split(":");
      String[] queues = fields[4].split(":");
      into.add(new TcpSocket(
          ip(local[0]), Integer.parseInt(local[1], 16),
          ip(remote[0]), Integer.parseInt(remote[1], 16),
          Integer.parseInt(fields[3], 16),
          Long.parseLong(queues[0], 16), Long.parseLong(queues[1], 16),
          Long.parseLong(fields[9])));
    }
  }

  /** An address as the kernel prints it (32-bit words in host order), as dotted IPv4 where it is one. */
  private static String ip(String hex) {
    String v4;
    if (hex.length() == 8) {
      v4 = hex;
    } else if (hex.length() == 32 && hex.startsWith(V4_MAPPED_PREFIX)) {
      v4 = hex.substring(24);
    } else {
      return hex;
    }
    long word = Long.parseLong(v4, 16);
    return (word & 0xff) + "." + (word >> 8 & 0xff) + "." + (word >> 16 & 0xff) + "." + (word >> 24 & 0xff);
  }
}
