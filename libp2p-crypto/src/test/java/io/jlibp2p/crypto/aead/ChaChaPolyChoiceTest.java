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

  @Test
  void aWorkingProviderIsChosen() {
    // SunJCE by instance: a provider that agrees with the JDK's, as a native one must.
    Provider sunJce = Security.getProvider("SunJCE");
    ChaChaPolyChoice choice = ChaChaPolyChoice.make(List.<ChaChaPolyProvider>of(() -> sunJce).iterator(), "", 17);
    assertSame(sunJce, choice.provider());
    assertEquals("SunJCE " + sunJce.getVersionStr(), choice.description());
  }

  @Test
  void theSystemPropertyKeepsTheJdksWhateverIsPresent() {
    Provider sunJce = Security.getProvider("SunJCE");
    ChaChaPolyChoice choice = ChaChaPolyChoice.make(List.<ChaChaPolyProvider>of(() -> sunJce).iterator(), "JDK", 17);
    assertNull(choice.provider());
    assertEquals(JDK + "io.jlibp2p.crypto.chachapoly=jdk", choice.description());
  }

  @Test
  void fromJdk21TheJdksIsKeptUnlessNativeIsAskedFor() {
    Provider sunJce = Security.getProvider("SunJCE");
    ChaChaPolyChoice choice = ChaChaPolyChoice.make(List.<ChaChaPolyProvider>of(() -> sunJce).iterator(), "", 21);
    assertNull(choice.provider());
    assertEquals(JDK + "JDK 21 has intrinsics for it", choice.description());
    assertSame(sunJce, ChaChaPolyChoice.make(List.<ChaChaPolyProvider>of(() -> sunJce).iterator(), "native", 25).provider());
  }

  @Test
  void aProviderWithoutTheCipherIsPassedOverForTheNext() {
    Provider bare = new Provider("Bare", "1", "no ciphers") {};
    ChaChaPolyProvider none = () -> bare;
    Provider sunJce = Security.getProvider("SunJCE");
    ChaChaPolyChoice choice = ChaChaPolyChoice.make(List.<ChaChaPolyProvider>of(none, () -> sunJce).iterator(), "", 17);
    assertSame(sunJce, choice.provider());
    ChaChaPolyChoice alone = ChaChaPolyChoice.make(List.of(none).iterator(), "", 17);
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
    assertEquals(JDK + "no ChaChaPolyProvider on the class path", ChaChaPolyChoice.make(List.<ChaChaPolyProvider>of().iterator(), "", 17).description());
  }
}
