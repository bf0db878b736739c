package io.jlibp2p.mplex.internal;

/**
 * The frame flags of <a href="https://github.com/libp2p/specs/blob/master/mplex/README.md">mplex</a>.
 * A frame's header is {@code uvarint(streamId << 3 | flag)}. "Initiator" flags are sent by the side
 * that opened the stream, "Receiver" flags by the other side; so both sides may use the same
 * number for different streams.
 */
final class MplexFlag {

  static final int NEW_STREAM = 0;
  static final int MESSAGE_RECEIVER = 1;
  static final int MESSAGE_INITIATOR = 2;
  static final int CLOSE_RECEIVER = 3;
  static final int CLOSE_INITIATOR = 4;
  static final int RESET_RECEIVER = 5;
  static final int RESET_INITIATOR = 6;

  private MplexFlag() {}

  /** Whether a frame with {@code flag} came from the side that opened its stream. */
  static boolean fromInitiator(int flag) {
    return flag % 2 == 0;
  }
}
