package io.jlibp2p.crypto.aead;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.security.Provider;
import java.security.Security;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import org.junit.jupiter.api.Test;

/** Every way a {@link ChaChaPolyProvider} can fail leaves the JDK's cipher, with the reason named. */
class ChaChaPolyChoiceTest {

  private static final String JDK = "the JDK's (SunJCE): ";
  private static final Provider SUN_JCE = Security.getProvider("SunJCE");

  private static ChaChaPolyChoice make(String property, int jdkFeature, ChaChaPolyProvider... sources) {
    return ChaChaPolyChoice.make(List.of(sources).iterator(), property, jdkFeature);
  }

  @Test
  void aWorkingProviderIsChosen() {
    // SunJCE by instance: a provider that agrees with the JDK's, as a native one must.
    ChaChaPolyChoice choice = make("", 17, () -> SUN_JCE);
    assertSame(SUN_JCE, choice.provider());
    assertEquals("SunJCE " + SUN_JCE.getVersionStr(), choice.description());
  }

  @Test
  void theSystemPropertyKeepsTheJdksWhateverIsPresent() {
    ChaChaPolyChoice choice = make("JDK", 17, () -> SUN_JCE);
    assertNull(choice.provider());
    assertEquals(JDK + "io.jlibp2p.crypto.chachapoly=jdk", choice.description());
  }

  @Test
  void fromJdk21TheJdksIsKeptUnlessNativeIsAskedFor() {
    ChaChaPolyChoice choice = make("", 21, () -> SUN_JCE);
    assertNull(choice.provider());
    assertEquals(JDK + "JDK 21 has intrinsics for it", choice.description());
    assertSame(SUN_JCE, make("native", 25, () -> SUN_JCE).provider());
  }

  @Test
  void aProviderWithoutTheCipherIsPassedOverForTheNext() {
    Provider bare = new Provider("Bare", "1", "no ciphers") {};
    ChaChaPolyProvider none = () -> bare;
    assertSame(SUN_JCE, make("", 17, none, () -> SUN_JCE).provider());
    ChaChaPolyChoice alone = make("", 17, none);
    assertNull(alone.provider());
    assertEquals(JDK + none.getClass().getName() + " failed (java.lang.IllegalStateException: Bare has no ChaCha20-Poly1305)",
        alone.description());
  }

  @Test
  void aBrokenServicesEntryLeavesTheJdksInsteadOfFailingTheClass() {
    Iterator<ChaChaPolyProvider> broken = new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public ChaChaPolyProvider next() {
        throw new ServiceConfigurationError("io.jlibp2p.crypto.aead.ChaChaPolyProvider: Provider com.example.Gone not found");
      }
    };
    ChaChaPolyChoice choice = ChaChaPolyChoice.make(broken, "", 17);
    assertNull(choice.provider());
    assertEquals(JDK + "java.util.ServiceConfigurationError: io.jlibp2p.crypto.aead.ChaChaPolyProvider:"
        + " Provider com.example.Gone not found", choice.description());
  }

  @Test
  void noProviderAtAllIsSaidSo() {
    assertEquals(JDK + "no ChaChaPolyProvider on the class path", make("", 17).description());
  }
}
