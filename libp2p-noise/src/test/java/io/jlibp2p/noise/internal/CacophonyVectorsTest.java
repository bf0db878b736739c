package io.jlibp2p.noise.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlibp2p.crypto.aead.AeadCipher;
import io.jlibp2p.crypto.aead.ChaChaPoly;
import io.jlibp2p.crypto.conscrypt.ConscryptChaChaPolyProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.conscrypt.Conscrypt;
import org.junit.jupiter.api.Test;

/**
 * The cacophony test vectors for {@code Noise_XX_25519_ChaChaPoly_SHA256}: fixed static and
 * ephemeral keys, so every handshake message and every transport message that follows must come
 * out byte for byte, with the JDK's ChaCha20-Poly1305 and with Conscrypt's. The vectors are data in
 * {@code noise-xx-vectors.txt} (see its header for the source).
 */
class CacophonyVectorsTest {

  private record Message(byte[] payload, byte[] ciphertext) {}

  private record Vector(Map<String, byte[]> fields, List<Message> messages) {}

  @Test
  void everyVectorReproducesByteForByteWithTheJdksCipher() throws Exception {
    runAll(ChaChaPoly::jdk);
  }

  @Test
  void everyVectorReproducesByteForByteWithConscryptsCipher() throws Exception {
    assumeTrue(Conscrypt.isAvailable(), "Conscrypt has no native library for this platform");
    Provider conscrypt = new ConscryptChaChaPolyProvider().provider();
    runAll(() -> ChaChaPoly.of(conscrypt));
  }

  private static void runAll(Supplier<AeadCipher> ciphers) throws Exception {
    List<Vector> vectors = load();
    assertTrue(vectors.size() >= 1, "no vectors loaded");
    for (Vector vector : vectors) {
      run(vector, ciphers);
    }
  }

  private static void run(Vector v, Supplier<AeadCipher> ciphers) throws Exception {
    XxHandshake initiator = new XxHandshake(
        true, X25519.fromPrivate(v.fields().get("init_static")), X25519.fromPrivate(v.fields().get("init_ephemeral")),
        v.fields().getOrDefault("init_prologue", new byte[0]), ciphers.get());
    XxHandshake responder = new XxHandshake(
        false, X25519.fromPrivate(v.fields().get("resp_static")), X25519.fromPrivate(v.fields().get("resp_ephemeral")),
        v.fields().getOrDefault("resp_prologue", new byte[0]), ciphers.get());
    List<Message> messages = v.messages();
    for (int i = 0; i < 3; i++) {
      XxHandshake writer = i % 2 == 0 ? initiator : responder;
      XxHandshake reader = i % 2 == 0 ? responder : initiator;
      Message m = messages.get(i);
      assertArrayEquals(m.ciphertext(), writer.writeMessage(m.payload()), "handshake message " + (i + 1));
      assertArrayEquals(m.payload(), reader.readMessage(m.ciphertext()), "handshake payload " + (i + 1));
    }
    if (v.fields().containsKey("handshake_hash")) {
      assertArrayEquals(v.fields().get("handshake_hash"), initiator.handshakeHash());
      assertArrayEquals(v.fields().get("handshake_hash"), responder.handshakeHash());
    }
    CipherState[] initiatorStates = initiator.split(ciphers.get(), ciphers.get());
    CipherState[] responderStates = responder.split(ciphers.get(), ciphers.get());
    for (int i = 3; i < messages.size(); i++) {
      // After the handshake the vectors keep alternating: initiator, responder, ...
      boolean fromInitiator = i % 2 == 0;
      CipherState send = fromInitiator ? initiatorStates[0] : responderStates[0];
      CipherState receive = fromInitiator ? responderStates[1] : initiatorStates[1];
      Message m = messages.get(i);
      ByteBuffer out = ByteBuffer.allocate(m.payload().length + AeadCipher.TAG_LENGTH);
      send.encryptWithAd(null, ByteBuffer.wrap(m.payload()), out);
      assertArrayEquals(m.ciphertext(), out.array(), "transport message " + (i + 1));
      ByteBuffer back = ByteBuffer.allocate(m.payload().length);
      receive.decryptWithAd(null, ByteBuffer.wrap(m.ciphertext()), back);
      assertArrayEquals(m.payload(), back.array());
    }
  }

  /** Reads the vector file: {@code vector}, then {@code name hex} fields and {@code message payload ciphertext} lines. */
  private static List<Vector> load() throws IOException {
    List<Vector> vectors = new ArrayList<>();
    Map<String, byte[]> fields = null;
    List<Message> messages = null;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        Objects.requireNonNull(CacophonyVectorsTest.class.getResourceAsStream("/noise-xx-vectors.txt")),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.trim().split(" ", -1);
        switch (parts[0]) {
          case "vector" -> {
            fields = new HashMap<>();
            messages = new ArrayList<>();
            vectors.add(new Vector(fields, messages));
          }
          case "message" -> messages.add(new Message(hex(parts[1]), hex(parts[2])));
          default -> fields.put(parts[0], hex(parts.length > 1 ? parts[1] : ""));
        }
      }
    }
    assertEquals(vectors.size(), vectors.stream().filter(v -> v.messages().size() >= 3).count());
    return vectors;
  }

  private static byte[] hex(String text) {
    return HexFormat.of().parseHex(text);
  }
}
