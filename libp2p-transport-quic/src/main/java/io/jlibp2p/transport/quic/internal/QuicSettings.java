package io.jlibp2p.transport.quic.internal;

import io.netty.handler.codec.quic.QuicCodecBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What every QUIC connection of a transport is configured with.
 *
 * @param idleTimeout a connection with no packet either way for this long closes (QUIC's
 *     max_idle_timeout; the smaller of both sides' applies)
 * @param handshakeTimeout a dial whose handshake has not completed by then fails
 * @param maxInboundStreams how many streams the remote may have open at once (QUIC's
 *     initial_max_streams_bidi, renewed as streams end)
 * @param connectionWindow how many bytes the remote may send on the connection before this side
 *     has read them (initial_max_data)
 * @param streamWindow the same per stream (initial_max_stream_data_bidi_*)
 */
public record QuicSettings(
    Duration idleTimeout, Duration handshakeTimeout, int maxInboundStreams, long connectionWindow, long streamWindow) {

  /** Applies these settings to a codec. */
  <B extends QuicCodecBuilder<B>> B configure(B builder) {
    return builder
        .maxIdleTimeout(idleTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .initialMaxData(connectionWindow)
        .initialMaxStreamDataBidirectionalLocal(streamWindow)
        .initialMaxStreamDataBidirectionalRemote(streamWindow)
        .initialMaxStreamsBidirectional(maxInboundStreams)
        // libp2p opens no unidirectional streams.
        .initialMaxStreamsUnidirectional(0)
        .initialMaxStreamDataUnidirectional(0)
        // A connection stays on the addresses it was made on: the NAT mapping is what matters.
        .activeMigration(false);
  }
}
