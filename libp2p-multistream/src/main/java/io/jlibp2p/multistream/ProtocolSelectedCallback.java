package io.jlibp2p.multistream;

import io.netty.channel.ChannelHandlerContext;

/**
 * Called on the event loop when a negotiation has selected a protocol, before the negotiating
 * handler leaves the pipeline.
 *
 * <p>Add the protocol's handlers after {@code negotiatorContext.name()} here: bytes that arrived in
 * the same read as the negotiation's last message are passed on right after this returns, so they
 * reach those handlers rather than fall off the end of the pipeline.
 */
@FunctionalInterface
public interface ProtocolSelectedCallback {

  /** Does nothing: for pipelines whose next handlers are already in place. */
  ProtocolSelectedCallback NONE = (context, protocol) -> {};

  /**
   * @param negotiatorContext the context of the negotiating handler
   * @param protocol the protocol ID both sides agreed on
   */
  void protocolSelected(ChannelHandlerContext negotiatorContext, String protocol);
}
