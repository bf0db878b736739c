package io.jlibp2p.core.identify.internal;

import io.jlibp2p.core.codec.LengthPrefixedFrameDecoder;
import io.jlibp2p.core.identify.Identify;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.core.muxer.Stream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an identify (the answer to a request, or a push): each message length-prefixed, then
 * ends this side's writing. The remote has nothing to say on such a stream, so whatever it sends
 * is dropped; the stream closes when the remote ends its side too.
 */
public final class IdentifyWriter extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(IdentifyWriter.class);

  private final IdentifyInfo info;

  public IdentifyWriter(IdentifyInfo info) {
    this.info = info;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    List<byte[]> messages = IdentifyCodec.encode(info, Identify.MAX_SENT_MESSAGE_SIZE);
    for (byte[] message : messages) {
      ctx.write(LengthPrefixedFrameDecoder.frame(ctx, message));
    }
    ctx.flush();
    ((Stream) ctx.channel()).closeWrite();
    ctx.channel().config().setAutoRead(true);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  /** The remote may reset instead of closing once it has read enough: nothing is lost then. */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("identify stream to {} ended: {}", ((Stream) ctx.channel()).remotePeer(), cause.getMessage());
    ctx.close();
  }
}
