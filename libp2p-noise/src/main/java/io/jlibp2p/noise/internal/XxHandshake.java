package io.jlibp2p.noise.internal;

import io.jlibp2p.crypto.aead.AeadCipher;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * The Noise XX handshake for {@code Noise_XX_25519_ChaChaPoly_SHA256}, written from the Noise
 * Protocol Framework spec (revision 34), sections 5.3 and 7.5:
 *
 * <pre>
 *   -&gt; e
 *   &lt;- e, ee, s, es
 *   -&gt; s, se
 * </pre>
 *
 * Each side alternately writes and reads one message; after the third, {@link #split} gives the
 * transport cipher states. Not thread-safe.
 */
public final class XxHandshake {

  /** The only protocol name libp2p uses; exactly 32 bytes, so it is the initial hash as is. */
  public static final String PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256";

  private static final int MESSAGES = 3;
  private static final int ENCRYPTED_KEY_LENGTH = X25519.KEY_LENGTH + AeadCipher.TAG_LENGTH;

  private final boolean initiator;
  private final X25519 localStatic;
  private final X25519 localEphemeral;
  private final SymmetricState symmetric;
  private byte[] remoteStatic;
  private byte[] remoteEphemeral;
  private int step;

  /**
   * @param ephemeral this side's ephemeral key; fresh for every handshake except in test vectors
   */
  public XxHandshake(boolean initiator, X25519 localStatic, X25519 ephemeral, byte[] prologue, AeadCipher cipher) {
    this.initiator = initiator;
    this.localStatic = localStatic;
    this.localEphemeral = ephemeral;
    this.symmetric = new SymmetricState(PROTOCOL_NAME, new CipherState(cipher));
    symmetric.mixHash(prologue);
  }

  /** Whether it is this side's turn to write. */
  public boolean isMyTurn() {
    return step < MESSAGES && (step % 2 == 0) == initiator;
  }

  public boolean isComplete() {
    return step == MESSAGES;
  }

  /** The remote's static key, known after the message that carries it. */
  public byte[] remoteStaticKey() {
    return remoteStatic == null ? null : remoteStatic.clone();
  }

  public byte[] handshakeHash() {
    return symmetric.handshakeHash();
  }

  /**
   * Checks the declared length of the remote's next message before it arrives, so that garbage is
   * refused at once instead of after 64 KiB: message 1 is exactly an ephemeral key (libp2p sends
   * no payload in it), and messages 2 and 3 are at least their keys and tags.
   *
   * @return why the length is impossible, or {@code null} if it is plausible
   */
  public String checkIncomingLength(int length) {
    int minimum =
        switch (step) {
          case 0 -> X25519.KEY_LENGTH;
          case 1 -> X25519.KEY_LENGTH + ENCRYPTED_KEY_LENGTH + AeadCipher.TAG_LENGTH;
          default -> ENCRYPTED_KEY_LENGTH + AeadCipher.TAG_LENGTH;
        };
    if (step == 0 && length != X25519.KEY_LENGTH) {
      return "handshake message 1 must be " + X25519.KEY_LENGTH + " bytes (an ephemeral key), got " + length;
    }
    if (length < minimum) {
      return "handshake message " + (step + 1) + " of " + length + " bytes is shorter than its keys (" + minimum + ")";
    }
    return null;
  }

  /** Writes the next message, carrying {@code payload}. */
  public byte[] writeMessage(byte[] payload) throws GeneralSecurityException {
    if (!isMyTurn()) {
      throw new IllegalStateException("not this side's turn to write (message " + (step + 1) + ")");
    }
    MessageWriter out = new MessageWriter();
    switch (step) {
      case 0 -> writeEphemeral(out);
      case 1 -> {
        writeEphemeral(out);
        symmetric.mixKey(localEphemeral.agree(remoteEphemeral)); // ee
        out.add(symmetric.encryptAndHash(localStatic.publicKey())); // s
        symmetric.mixKey(localStatic.agree(remoteEphemeral)); // es, responder side
      }
      default -> {
        out.add(symmetric.encryptAndHash(localStatic.publicKey())); // s
        symmetric.mixKey(localStatic.agree(remoteEphemeral)); // se, initiator side
      }
    }
    out.add(symmetric.encryptAndHash(payload));
    step++;
    return out.toByteArray();
  }

  /**
   * Reads the remote's next message.
   *
   * @return its payload
   * @throws AEADBadTagException if anything encrypted fails authentication
   * @throws GeneralSecurityException if a key is malformed or the message is too short
   */
  public byte[] readMessage(byte[] message) throws GeneralSecurityException {
    if (isMyTurn() || isComplete()) {
      throw new IllegalStateException("not this side's turn to read (message " + (step + 1) + ")");
    }
    MessageReader in = new MessageReader(message);
    switch (step) {
      case 0 -> readEphemeral(in);
      case 1 -> {
        readEphemeral(in);
        symmetric.mixKey(localEphemeral.agree(remoteEphemeral)); // ee
        remoteStatic = symmetric.decryptAndHash(in.take(ENCRYPTED_KEY_LENGTH)); // s
        symmetric.mixKey(localEphemeral.agree(remoteStatic)); // es, initiator side
      }
      default -> {
        remoteStatic = symmetric.decryptAndHash(in.take(ENCRYPTED_KEY_LENGTH)); // s
        symmetric.mixKey(localEphemeral.agree(remoteStatic)); // se, responder side
      }
    }
    byte[] payload = symmetric.decryptAndHash(in.rest());
    step++;
    return payload;
  }

  /**
   * The transport cipher states, {@code [sending, receiving]} for this side.
   *
   * @throws IllegalStateException before the third message
   */
  public CipherState[] split(AeadCipher sending, AeadCipher receiving) {
    if (!isComplete()) {
      throw new IllegalStateException("the handshake is not complete");
    }
    byte[][] keys = symmetric.split();
    CipherState send = new CipherState(sending);
    CipherState receive = new CipherState(receiving);
    send.initializeKey(initiator ? keys[0] : keys[1]);
    receive.initializeKey(initiator ? keys[1] : keys[0]);
    return new CipherState[] {send, receive};
  }

  private void writeEphemeral(MessageWriter out) {
    byte[] publicKey = localEphemeral.publicKey();
    out.add(publicKey);
    symmetric.mixHash(publicKey);
  }

  private void readEphemeral(MessageReader in) throws GeneralSecurityException {
    remoteEphemeral = in.take(X25519.KEY_LENGTH);
    symmetric.mixHash(remoteEphemeral);
  }

  private static final class MessageWriter {
    private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

    void add(byte[] part) {
      out.writeBytes(part);
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  private static final class MessageReader {
    private final byte[] message;
    private int position;

    MessageReader(byte[] message) {
      this.message = message;
    }

    byte[] take(int length) throws GeneralSecurityException {
      if (message.length - position < length) {
        throw new GeneralSecurityException(
            "Noise message too short: needs " + length + " more bytes, has " + (message.length - position));
      }
      byte[] part = Arrays.copyOfRange(message, position, position + length);
      position += length;
      return part;
    }

    byte[] rest() {
      byte[] part = Arrays.copyOfRange(message, position, message.length);
      position = message.length;
      return part;
    }
  }
}
