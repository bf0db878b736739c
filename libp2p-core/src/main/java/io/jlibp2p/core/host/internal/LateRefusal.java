package io.jlibp2p.core.host.internal;

import io.jlibp2p.core.host.ProtocolNegotiationException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multistream.NegotiationException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.List;

/**
 * Behind a lazy dialer, which hands the stream out before the peer has answered: turns the
 * peer's late refusal (multistream's {@link NegotiationException}) into the host's {@link
 * ProtocolNegotiationException}, naming the peer and the protocol, as the stream's handlers see
 * it in {@code exceptionCaught}; the multistream failure is its cause. Everything else passes.
 */
final class LateRefusal extends ChannelInboundHandlerAdapter {

  private final PeerId peer;
  private final List<String> protocols;

  LateRefusal(PeerId peer, List<String> protocols) {
    this.peer = peer;
    this.protocols = List.copyOf(protocols);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.fireExceptionCaught(cause instanceof NegotiationException refusal
        ? new ProtocolNegotiationException(peer, protocols, refusal)
        : cause);
  }
}
