package io.jlibp2p.examples;

import ch.qos.logback.classic.Level;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.EventListener;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.host.HostService;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.ping.Ping;
import io.jlibp2p.relay.RelayClient;
import io.jlibp2p.transport.quic.QuicTransport;
import io.jlibp2p.transport.tcp.TcpTransport;
import io.jlibp2p.transport.websocket.WebSocketTransport;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** The flags every command shares, and the host they describe. */
final class HostOptions {

  @Option(names = "--listen", paramLabel = "ADDR",
      description = "A multiaddr to listen on; repeatable. Default for chat and listen: /ip4/127.0.0.1/tcp/0.")
  List<String> listen = new ArrayList<>();

  @Option(names = "--security", paramLabel = "LIST", defaultValue = "noise",
      description = "Secure channels in order of preference, from noise, tls, secio, plaintext. Default: ${DEFAULT-VALUE}.")
  String security;

  @Option(names = "--muxer", paramLabel = "LIST", defaultValue = "yamux,mplex",
      description = "Stream muxers in order of preference, from yamux, mplex. Default: ${DEFAULT-VALUE}.")
  String muxer;

  @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ed25519",
      description = "Key type of a new identity: ed25519, secp256k1, rsa, ecdsa. Default: ${DEFAULT-VALUE}.")
  String keyType;

  @Option(names = "--key-file", paramLabel = "PATH",
      description = "A persistent identity: the key in this file, created if it is missing.")
  Path keyFile;

  @Option(names = "--cert", paramLabel = "PEM",
      description = "The certificate chain (PEM, the server's first) to serve /wss and /tls/ws listen addresses with; needs --key.")
  Path certificate;

  @Option(names = "--key", paramLabel = "PEM",
      description = "The unencrypted PKCS#8 private key (PEM) of --cert.")
  Path certificateKey;

  @Option(names = "--trust", paramLabel = "PEM",
      description = "Authorities (PEM) that dialed /wss servers' certificates must chain to, instead of the JDK's.")
  Path trustedCertificates;

  @Option(names = "--json", description = "Print one JSON line per result.")
  boolean json;

  @Option(names = "--verbose", description = "Log what happens, and print stack traces of errors.")
  boolean verbose;

  @Option(names = "--log-level", paramLabel = "LEVEL",
      description = "How much jlibp2p logs on stderr: error, warn, info, debug or trace. Default: warn, or debug with --verbose.")
  String logLevel;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
      description = "How long dialing and each request may take. Default: ${DEFAULT-VALUE}.")
  int timeoutSeconds;

  /** Where results go; only results, so that scripts can read it. */
  final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  /** Applies {@code --verbose} and {@code --log-level} to logging. */
  void configureLogging() {
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(verbose ? Level.DEBUG : Level.WARN);
    if (!verbose) {
      // Netty's own chatter is noise to a user even at DEBUG; keep it out unless asked.
      ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.netty")).setLevel(Level.WARN);
    }
    if (logLevel != null) {
      Level level = switch (logLevel.toLowerCase(Locale.ROOT)) {
        case "error" -> Level.ERROR;
        case "warn" -> Level.WARN;
        case "info" -> Level.INFO;
        case "debug" -> Level.DEBUG;
        case "trace" -> Level.TRACE;
        default -> throw CliException.usage("--log-level: unknown \"" + logLevel + "\"; choose from error, warn, info, debug, trace");
      };
      ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.jlibp2p")).setLevel(level);
    }
  }

  Duration timeout() {
    return Duration.ofSeconds(timeoutSeconds);
  }

  /**
   * A host with the chosen stack and identity, listening on {@code --listen} or on {@code
   * defaults}, serving ping and {@code services}.
   */
  Host buildHost(List<String> defaults, HostService... services) {
    return buildHost(defaults, EventListener.NONE, services);
  }

  /** Like {@link #buildHost(List, HostService...)}, reporting the host's events to {@code events}. */
  Host buildHost(List<String> defaults, EventListener events, HostService... services) {
    return builder(defaults, events, services).build();
  }

  /** The builder {@link #buildHost(List, EventListener, HostService...)} builds, for a command that adds to it. */
  Host.Builder builder(List<String> defaults, EventListener events, HostService... services) {
    configureLogging();
    KeyType type = switch (keyType.toLowerCase(Locale.ROOT)) {
      case "ed25519" -> KeyType.ED25519;
      case "secp256k1" -> KeyType.SECP256K1;
      case "rsa" -> KeyType.RSA;
      case "ecdsa" -> KeyType.ECDSA;
      default -> throw CliException.usage("--key-type: unknown \"" + keyType + "\"; choose from ed25519, secp256k1, rsa, ecdsa");
    };
    Host.Builder builder = Host.builder()
        .identity(Identities.load(Optional.ofNullable(keyFile), type))
        .transport(TcpTransport.builder().build())
        .transport(webSocket())
        .upgradeTimeout(timeout())
        .negotiationTimeout(timeout())
        .service(new Ping())
        // Every command dials /p2p-circuit addresses; listen --relay reserves with it.
        .service(RelayClient.create())
        .service(new FatalExit())
        .eventListener(events);
    if (QuicTransport.isAvailable()) {
      // Without Netty's native QUIC library for this platform, /quic-v1 addresses are refused
      // as any address no transport takes.
      builder.transport(QuicTransport.builder().build());
    }
    for (HostService service : services) {
      builder.service(service);
    }
    Stacks.secureChannels(security).forEach(builder::secureChannel);
    Stacks.muxers(muxer).forEach(builder::muxer);
    for (String address : listen.isEmpty() ? defaults : listen) {
      Multiaddr parsed = Cli.multiaddr(address);
      if (certificate == null && isSecureWebSocket(parsed)) {
        throw CliException.usage("--listen " + address + " serves secure WebSocket: give its certificate with --cert"
            + " and --key (PEM files)");
      }
      builder.listenOn(parsed);
    }
    return builder;
  }

  private static boolean isSecureWebSocket(Multiaddr address) {
    String text = address.toString();
    return text.endsWith("/wss") || text.endsWith("/tls/ws");
  }

  /** The WebSocket transport {@code --cert}, {@code --key} and {@code --trust} describe. */
  private WebSocketTransport webSocket() {
    if ((certificate == null) != (certificateKey == null)) {
      throw CliException.usage("--cert and --key go together: the certificate chain and its private key, both PEM");
    }
    WebSocketTransport.Builder builder = WebSocketTransport.builder();
    try {
      if (certificate != null) {
        builder.serverCertificate(certificate, certificateKey);
      }
      if (trustedCertificates != null) {
        builder.trustedCertificates(trustedCertificates);
      }
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
    return builder.build();
  }

  /**
   * Prints {@code host}'s listen addresses, one per line, and serves until SIGINT or SIGTERM. The
   * signal handlers go in first: a script that has read the addresses may stop the process.
   */
  void printAddressesAndServe(Host host) throws InterruptedException {
    Signals signals = Signals.install();
    for (Multiaddr address : host.listenAddresses()) {
      out.println(address);
    }
    signals.awaitTermination();
  }

  /** Connects to {@code address}; with {@code /p2p/} the remote must prove that identity. */
  Connection connect(Host host, String address) {
    Multiaddr target = Cli.multiaddr(address);
    return Cli.await(host.dial(target), timeout(), "dial " + target);
  }

  /** The fields every result carries. */
  Json result(Connection connection) {
    return new Json()
        .put("remotePeer", connection.remotePeer().toString())
        .put("security", Stacks.shortName(connection.securityProtocol()))
        .put("muxer", Stacks.shortName(connection.muxerProtocol()))
        .put("connection", connection.limit().isPresent() ? "relayed" : "direct")
        .put("remoteAddress", connection.remoteAddress().toString());
  }
}
