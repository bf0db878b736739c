package io.jlibp2p.core;

/** Which side opened a connection or a stream. */
public enum Direction {
  /** This node opened it: the dialer, the initiator. */
  OUTBOUND,
  /** The remote node opened it: this node is the listener, the responder. */
  INBOUND
}
