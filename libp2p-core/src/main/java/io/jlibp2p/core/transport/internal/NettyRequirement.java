package io.jlibp2p.core.transport.internal;

import io.netty.util.Version;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The transport's event loops are Netty 4.2's ({@code MultiThreadIoEventLoopGroup} with an {@code
 * IoHandlerFactory}). With Netty 4.1 on the class path, which a build can pull in through another
 * library, the first use would fail deep inside with {@code NoClassDefFoundError:
 * io/netty/channel/epoll/EpollIoHandler}; this check says what is wrong and how to fix it instead.
 */
public final class NettyRequirement {

  /** A class Netty 4.2 added, which every transport here needs. */
  static final String NETTY_42_CLASS = "io.netty.channel.IoHandlerFactory";

  private NettyRequirement() {}

  /**
   * Checks the class path this class was loaded from. Every transport runs it as it is built, so
   * the Netty versions, which take reading every jar's version file, are looked up only to say
   * what is wrong.
   */
  public static void check() {
    check(name -> {
      try {
        Class.forName(name, false, NettyRequirement.class.getClassLoader());
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }, () -> Version.identify(NettyRequirement.class.getClassLoader()));
  }

  /**
   * Checks with {@code classPresent}; {@code versions} gives the Netty artifacts found, asked
   * only when Netty 4.2 is missing.
   *
   * @throws IllegalStateException naming the Netty versions found when Netty 4.2 is missing
   */
  static void check(Predicate<String> classPresent, Supplier<Map<String, Version>> versions) {
    if (classPresent.test(NETTY_42_CLASS)) {
      return;
    }
    String found = versions.get().values().stream()
        .map(v -> v.artifactId() + " " + v.artifactVersion())
        .sorted()
        .collect(Collectors.joining(", "));
    throw new IllegalStateException("jlibp2p needs Netty 4.2, but the class path has an older Netty ("
        + (found.isEmpty() ? "no version information" : found) + "). Put every io.netty artifact on 4.2"
        + " (import io.netty:netty-bom 4.2.x in your dependencyManagement), and look for the library that"
        + " pulls the older one in: mvn dependency:tree -Dincludes=io.netty");
  }
}
