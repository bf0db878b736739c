package io.jlibp2p.integration;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.codec.LengthPrefixedFrameDecoder;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.host.ProtocolNegotiationException;
import io.jlibp2p.core.muxer.StreamResetException;
import io.jlibp2p.core.peerstore.Peerstore;
import io.jlibp2p.core.protocol.RequestResponse;
import io.jlibp2p.core.protocol.RequestTimeoutException;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.multistream.NegotiationException;
import io.jlibp2p.testing.Eventually;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link RequestResponse} between two hosts, noise+yamux: the exchange and each way it fails. */
class RequestResponseHostTest {

  private static final String UPPER = "/test/upper/1.0.0";

  private final List<Host> hosts = new ArrayList<>();

  @AfterEach
  void closeHosts() {
    hosts.forEach(Host::close);
  }

  /** A started host of the stack, with {@code service}, listening on loopback. */
  private Host host(RequestResponse service) {
    Host host = Hosts.serving(Hosts.Stack.NOISE_YAMUX.builder().service(service));
    hosts.add(host);
    host.start().join();
    return host;
  }

  /** A client host that knows where {@code server} is. */
  private RequestResponse clientOf(Host server, UnaryOperator<RequestResponse.Builder> settings) {
    RequestResponse client = settings.apply(RequestResponse.builder(UPPER)).build();
    Host host = host(client);
    host.peerstore().addAddresses(server.peerId(), server.listenAddresses(), Peerstore.PERMANENT_TTL);
    return client;
  }

  private static Throwable failure(CompletableFuture<byte[]> future) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
    return e.getCause();
  }

  private static void awaitNoStreams(Host host) throws InterruptedException {
    Eventually.await("every stream of the server closes", 10,
        () -> host.connections().stream().mapToInt(Connection::openStreams).sum() == 0);
  }

  private static byte[] upper(byte[] request) {
    return new String(request, UTF_8).toUpperCase(Locale.ROOT).getBytes(UTF_8);
  }

  @Test
  void aRequestGetsItsResponse() throws Exception {
    Host server = host(RequestResponse.builder(UPPER).serve(RequestResponseHostTest::upper).build());
    RequestResponse client = clientOf(server, b -> b);
    assertArrayEquals("HELLO".getBytes(UTF_8), client.request(server.peerId(), "hello".getBytes(UTF_8)).get(30, TimeUnit.SECONDS));
    // Empty both ways, and many in a row, each on a stream of its own that closes.
    assertArrayEquals(new byte[0], client.request(server.peerId(), new byte[0]).get(30, TimeUnit.SECONDS));
    for (int i = 0; i < 50; i++) {
      assertArrayEquals(("N" + i).getBytes(UTF_8), client.request(server.peerId(), ("n" + i).getBytes(UTF_8)).get(30, TimeUnit.SECONDS));
    }
    awaitNoStreams(server);
  }

  @Test
  void anAsyncResponderSeesTheAskingPeer() throws Exception {
    CompletableFuture<String> asker = new CompletableFuture<>();
    Host server = host(RequestResponse.builder(UPPER).serveAsync((peer, request) -> {
      asker.complete(peer.toString());
      return CompletableFuture.supplyAsync(() -> upper(request));
    }).build());
    RequestResponse client = clientOf(server, b -> b);
    assertArrayEquals("ASYNC".getBytes(UTF_8), client.request(server.peerId(), "async".getBytes(UTF_8)).get(30, TimeUnit.SECONDS));
    assertEquals(hosts.get(1).peerId().toString(), asker.get(30, TimeUnit.SECONDS));
  }

  @Test
  void cancellingTheRequestResetsItsStream() throws Exception {
    CompletableFuture<Void> asked = new CompletableFuture<>();
    Host server = host(RequestResponse.builder(UPPER).serveAsync((peer, request) -> {
      asked.complete(null);
      return new CompletableFuture<>();
    }).build());
    RequestResponse client = clientOf(server, b -> b);
    CompletableFuture<byte[]> response = client.request(server.peerId(), new byte[1]);
    asked.get(30, TimeUnit.SECONDS);
    assertTrue(response.cancel(false));
    awaitNoStreams(server);
  }

  @Test
  void theRequestIsTakenAsItWasWhenAsked() throws Exception {
    Host server = host(RequestResponse.builder(UPPER).serve(RequestResponseHostTest::upper).build());
    RequestResponse client = clientOf(server, b -> b);
    byte[] request = "asked".getBytes(UTF_8);
    CompletableFuture<byte[]> response = client.request(server.peerId(), request);
    Arrays.fill(request, (byte) 'x'); // the caller reuses its array at once
    assertArrayEquals("ASKED".getBytes(UTF_8), response.get(30, TimeUnit.SECONDS));
  }

  @Test
  void aRequestOverTheLimitFailsBeforeAnythingIsSent() {
    Host server = host(RequestResponse.builder(UPPER).serve(RequestResponseHostTest::upper).build());
    RequestResponse client = clientOf(server, b -> b.maxRequestBytes(4));
    Throwable cause = failure(client.request(server.peerId(), new byte[5]));
    assertInstanceOf(LimitExceededException.class, cause);
    assertEquals(UPPER + " request of 5 bytes exceeds the limit of 4", cause.getMessage());
    assertTrue(hosts.get(1).connections().isEmpty(), "not even dialed");
  }

  @Test
  void aResponseOverTheClientsLimitFailsWithTheLimit() {
    Host server = host(RequestResponse.builder(UPPER).serve(request -> new byte[1000]).build());
    RequestResponse client = clientOf(server, b -> b.maxResponseBytes(999));
    Throwable cause = failure(client.request(server.peerId(), new byte[1]));
    assertInstanceOf(LimitExceededException.class, cause);
    assertTrue(cause.getMessage().contains("1000 bytes exceeds the limit of 999"), cause.getMessage());
  }

  @Test
  void aServerWhoseResponseIsOverItsOwnLimitResetsTheStream() {
    Host server = host(RequestResponse.builder(UPPER).maxResponseBytes(10).serve(request -> new byte[11]).build());
    RequestResponse client = clientOf(server, b -> b);
    assertInstanceOf(StreamResetException.class, failure(client.request(server.peerId(), new byte[1])));
  }

  @Test
  void aResponderThatThrowsResetsTheStream() {
    Host server = host(RequestResponse.builder(UPPER).serve(request -> {
      throw new IllegalStateException("the responder's own bug");
    }).build());
    RequestResponse client = clientOf(server, b -> b);
    assertInstanceOf(StreamResetException.class, failure(client.request(server.peerId(), new byte[1])));
  }

  @Test
  void noResponseInTimeFailsWithATimeoutAndResetsTheStream() throws Exception {
    Host server = host(RequestResponse.builder(UPPER).serveAsync((peer, request) -> new CompletableFuture<>()).build());
    RequestResponse client = clientOf(server, b -> b.timeout(Duration.ofMillis(300)));
    Throwable cause = failure(client.request(server.peerId(), new byte[1]));
    assertInstanceOf(RequestTimeoutException.class, cause);
    assertEquals("no response to " + UPPER + " from " + server.peerId() + " within 300 ms", cause.getMessage());
    awaitNoStreams(server);
  }

  @Test
  void aPeerThatDoesNotServeTheProtocolFailsTheRequest() {
    // Its instance has no responder: it only asks, so it serves nothing.
    Host server = host(RequestResponse.builder(UPPER).build());
    RequestResponse client = clientOf(server, b -> b);
    Throwable cause = failure(client.request(server.peerId(), new byte[1]));
    // A single proposal is lazy: the refusal arrives after the stream was handed out, and the
    // host names the peer and the protocol, with multistream's refusal as the cause.
    assertInstanceOf(ProtocolNegotiationException.class, cause);
    assertInstanceOf(NegotiationException.class, cause.getCause());
    assertTrue(cause.getMessage().contains(UPPER), cause.getMessage());
  }

  @Test
  void aPeerThatEndsTheStreamWithoutAResponseFailsTheRequest() {
    Host server = host(RequestResponse.builder("/test/unused/1.0.0").build());
    // Reads the request, then ends its side without answering.
    server.setStreamHandler(UPPER, stream -> stream.pipeline().addLast(new LengthPrefixedFrameDecoder(1 << 20),
        new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
            stream.closeWrite();
          }
        }));
    RequestResponse client = clientOf(server, b -> b);
    Throwable cause = failure(client.request(server.peerId(), new byte[1]));
    assertInstanceOf(DecodingException.class, cause);
    assertEquals("the peer ended the " + UPPER + " stream without sending a response", cause.getMessage());
  }

  @Test
  void badSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> RequestResponse.builder("no-slash"));
    assertThrows(IllegalArgumentException.class, () -> RequestResponse.builder(UPPER).maxRequestBytes(-1));
    assertThrows(IllegalArgumentException.class, () -> RequestResponse.builder(UPPER).timeout(Duration.ZERO));
  }
}
