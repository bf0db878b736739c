package io.jlibp2p.examples;

import io.jlibp2p.core.muxer.StreamMuxer;
import io.jlibp2p.core.security.SecureChannel;
import io.jlibp2p.mplex.MplexStreamMuxer;
import io.jlibp2p.noise.NoiseSecureChannel;
import io.jlibp2p.plaintext.PlaintextSecureChannel;
import io.jlibp2p.secio.SecioSecureChannel;
import io.jlibp2p.tls.EmptyNameCertificates;
import io.jlibp2p.tls.TlsSecureChannel;
import io.jlibp2p.yamux.YamuxStreamMuxer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** The secure channels and muxers the tool can use, by the names of its {@code --security} and {@code --muxer} flags. */
final class Stacks {

  /** Every name the flags accept, in the order the docs list them. */
  static final List<String> SECURITY_NAMES = List.of("noise", "tls", "secio", "plaintext");
  static final List<String> MUXER_NAMES = List.of("yamux", "mplex");

  private static final Map<String, Supplier<SecureChannel>> SECURITY = Map.of(
      "noise", NoiseSecureChannel::new,
      "tls", Stacks::tls,
      "secio", SecioSecureChannel::new,
      "plaintext", PlaintextSecureChannel::new);

  private static final Map<String, Supplier<StreamMuxer>> MUXERS = Map.of(
      "yamux", YamuxStreamMuxer::create,
      "mplex", MplexStreamMuxer::create);

  private Stacks() {}

  /**
   * TLS, able to talk to js-libp2p: its certificates have an empty issuer, which the JDK reads
   * only with {@link EmptyNameCertificates} on. The tool is an application of its own, so it may
   * turn that JVM-wide switch on; a library would leave that to its application.
   */
  private static SecureChannel tls() {
    EmptyNameCertificates.enable();
    return TlsSecureChannel.create();
  }

  static List<SecureChannel> secureChannels(String list) {
    return pick("--security", list, SECURITY_NAMES, SECURITY);
  }

  static List<StreamMuxer> muxers(String list) {
    return pick("--muxer", list, MUXER_NAMES, MUXERS);
  }

  /** The short name of a negotiated protocol ID, as the flags spell it. */
  static String shortName(String protocolId) {
    return switch (protocolId) {
      case NoiseSecureChannel.PROTOCOL_ID -> "noise";
      case TlsSecureChannel.PROTOCOL_ID -> "tls";
      case PlaintextSecureChannel.PROTOCOL_ID -> "plaintext";
      case SecioSecureChannel.PROTOCOL_ID -> "secio";
      case YamuxStreamMuxer.PROTOCOL_ID -> "yamux";
      case MplexStreamMuxer.PROTOCOL_ID -> "mplex";
      default -> protocolId;
    };
  }

  private static <T> List<T> pick(String flag, String list, List<String> names, Map<String, Supplier<T>> available) {
    Set<String> chosen = new LinkedHashSet<>();
    for (String raw : list.split(",")) {
      String name = raw.trim();
      if (!names.contains(name)) {
        throw CliException.usage(flag + ": unknown \"" + name + "\"; choose from " + String.join(", ", names)
            + ", comma-separated in order of preference");
      }
      if (!chosen.add(name)) {
        throw CliException.usage(flag + ": \"" + name + "\" is listed twice");
      }
    }
    List<T> result = new ArrayList<>();
    chosen.forEach(name -> result.add(available.get(name).get()));
    return result;
  }
}
