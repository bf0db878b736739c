package io.jlibp2p.core.transport.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.Version;
import org.junit.jupiter.api.Test;

class NettyRequirementTest {

  @Test
  void theBuildsOwnNettyPasses() {
    NettyRequirement.check();
  }

  @Test
  void withoutNetty42sClassesItSaysWhatWasFoundAndWhatToDo() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> NettyRequirement.check(name -> !name.equals(NettyRequirement.NETTY_42_CLASS), Version::identify));
    assertTrue(e.getMessage().startsWith("jlibp2p needs Netty 4.2, but the class path has an older Netty (netty-"),
        e.getMessage());
    assertTrue(e.getMessage().contains("import io.netty:netty-bom 4.2.x"), e.getMessage());
    assertTrue(e.getMessage().contains("mvn dependency:tree -Dincludes=io.netty"), e.getMessage());
  }
}
