package io.jlibp2p.core.protocol;

import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.crypto.PeerId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving side of one {@link RequestResponse} stream, after the length-prefix codec: the
 * first message goes to the responder, its answer is written and the stream closed (gracefully,
 * so the answer is delivered); anything after the request is ignored.
 */
final class RequestResponseServer extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(RequestResponse.class);

  private final String protocolId;
  private final BiFunction<PeerId, byte[], CompletionStage<byte[]>> responder;
  private boolean answered;

  RequestResponseServer(String protocolId, BiFunction<PeerId, byte[], CompletionStage<byte[]>> responder) {
    this.protocolId = protocolId;
    this.responder = responder;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf message = (ByteBuf) msg;
    byte[] request;
    try {
      if (answered) {
        return;
      }
      answered = true;
      request = ByteBufUtil.getBytes(message);
    } finally {
      message.release();
    }
    Stream stream = (Stream) ctx.channel();
    CompletionStage<byte[]> reply;
    try {
      reply = responder.apply(stream.remotePeer(), request);
    } catch (RuntimeException e) {
      failed(stream, e);
      return;
    }
    if (reply == null) {
      failed(stream, new NullPointerException("the responder returned no stage"));
      return;
    }
    reply.whenComplete((response, error) -> {
      if (error != null || response == null) {
        failed(stream, error != null ? error : new NullPointerException("the responder's stage completed with null"));
        return;
      }
      stream.writeAndFlush(Unpooled.wrappedBuffer(response)).addListener(written -> {
        if (written.cause() instanceof LimitExceededException tooLong) {
          failed(stream, tooLong); // the encoder's refusal: a response over maxResponseBytes
        } else if (!written.isSuccess()) {
          log.debug("{} for {}: the response was not written ({})", protocolId, stream.remotePeer(), written.cause().toString());
        }
      });
      stream.close();
    });
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof ChannelInputShutdownReadComplete && !answered) {
      log.debug("{} from {}: the stream ended without a request", protocolId, ((Stream) ctx.channel()).remotePeer());
      ctx.close();
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A malformed or oversized request, or the client's reset: the peer's doing.
    Stream stream = (Stream) ctx.channel();
    log.debug("{} from {}: {}; the stream is reset", protocolId, stream.remotePeer(), cause.toString());
    stream.reset();
  }

  /** The responder threw, failed, or answered more than the limit: this application's mistake. */
  private void failed(Stream stream, Throwable cause) {
    log.warn("{} for {}: no response ({}); the stream is reset", protocolId, stream.remotePeer(), cause.toString(), cause);
    stream.reset();
  }
}
