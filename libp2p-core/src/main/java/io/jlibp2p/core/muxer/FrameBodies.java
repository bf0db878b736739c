package io.jlibp2p.core.muxer;

import io.netty.buffer.ByteBuf;

/** How muxers take a frame's body out of the read buffer. */
public final class FrameBodies {

  /** Bodies smaller than this are copied rather than sliced. */
  static final int COPY_BELOW = 4096;

  private FrameBodies() {}

  /**
   * Reads {@code length} bytes of {@code in} as a buffer the caller owns. A slice would keep the
   * whole read buffer alive while the body waits unread in its stream, so small bodies, whose
   * slices would pin the most memory per byte, are copied; large ones are sliced, not copied.
   */
  public static ByteBuf read(ByteBuf in, int length) {
    return length < COPY_BELOW ? in.readBytes(length) : in.readRetainedSlice(length);
  }
}
