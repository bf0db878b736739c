package io.jlibp2p.multiformats;

import java.util.Arrays;
import java.util.function.Function;

/**
 * A cursor over a byte array for the multiformats decoders. Every read checks the bounds first and
 * reports a problem through the decoder's own exception type, so that a decoder never surfaces an
 * {@link ArrayIndexOutOfBoundsException}.
 */
final class ByteReader {

  private final byte[] bytes;
  private final Function<String, ? extends DecodingException> errors;
  private int position;

  /**
   * @param errors makes the decoder's exception from a message
   */
  ByteReader(byte[] bytes, Function<String, ? extends DecodingException> errors) {
    this.bytes = bytes;
    this.errors = errors;
  }

  int remaining() {
    return bytes.length - position;
  }

  DecodingException error(String message) {
    return errors.apply(message);
  }

  /** Reads a varint; a malformed one is reported as {@code what} being malformed. */
  long readVarint(String what) {
    try {
      long value = UnsignedVarint.read(bytes, position);
      position += UnsignedVarint.encodedLength(value);
      return value;
    } catch (InvalidVarintException e) {
      DecodingException error = errors.apply("bad " + what + ": " + e.getMessage());
      error.initCause(e);
      throw error;
    }
  }

  /** Reads a varint length and checks that that many bytes remain. */
  int readLength(String what) {
    long length = readVarint(what + " length");
    if (length > remaining()) {
      throw errors.apply(
          what + " claims " + length + " byte(s) but only " + remaining() + " remain");
    }
    return (int) length;
  }

  byte[] readBytes(int count, String what) {
    if (count > remaining()) {
      throw errors.apply(
          what + " needs " + count + " byte(s) but only " + remaining() + " remain");
    }
    byte[] out = Arrays.copyOfRange(bytes, position, position + count);
    position += count;
    return out;
  }

  /** Fails unless every byte has been read. */
  void requireEnd(String what) {
    if (remaining() != 0) {
      throw errors.apply(what + " followed by " + remaining() + " unexpected trailing byte(s)");
    }
  }
}
