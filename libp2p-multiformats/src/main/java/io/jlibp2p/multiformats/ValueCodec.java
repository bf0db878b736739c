package io.jlibp2p.multiformats;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Converts one multiaddr component value between its text and binary forms, per the transcoders of
 * the <a href="https://github.com/multiformats/multiaddr/blob/master/protocols.csv">multiaddr
 * table</a> (and go-multiaddr, which the others follow).
 *
 * <p>Each method throws {@link IllegalArgumentException} with a short reason; {@link Multiaddr}
 * turns it into an {@link InvalidMultiaddrException} that names the whole component.
 */
interface ValueCodec {

  byte[] parse(String text);

  String format(byte[] value);

  /** Checks a value that arrived in binary form; the default accepts anything format accepts. */
  default void validate(byte[] value) {
    format(value);
  }

  ValueCodec NONE =
      new ValueCodec() {
        @Override
        public byte[] parse(String text) {
          throw new IllegalArgumentException("takes no value");
        }

        @Override
        public String format(byte[] value) {
          return "";
        }
      };

  ValueCodec IP4 =
      new ValueCodec() {
        @Override
        public byte[] parse(String text) {
          return IpAddressText.parseIp4(text);
        }

        @Override
        public String format(byte[] value) {
          return IpAddressText.formatIp4(value, 0);
        }
      };

  ValueCodec IP6 =
      new ValueCodec() {
        @Override
        public byte[] parse(String text) {
          return IpAddressText.parseIp6(text);
        }

        @Override
        public String format(byte[] value) {
          return IpAddressText.formatIp6(value);
        }
      };

  /** A decimal number stored big-endian in {@code size} bytes: ports (2) and CIDR prefixes (1). */
  static ValueCodec unsignedDecimal(int size) {
    long max = (1L << (8 * size)) - 1;
    return new ValueCodec() {
      @Override
      public byte[] parse(String text) {
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
          throw new IllegalArgumentException("not a decimal number");
        }
        long number = Long.parseLong(text);
        if (number > max) {
          throw new IllegalArgumentException("out of range 0.." + max);
        }
        byte[] out = new byte[size];
        for (int i = size - 1; i >= 0; i--) {
          out[i] = (byte) number;
          number >>>= 8;
        }
        return out;
      }

      @Override
      public String format(byte[] value) {
        long number = 0;
        for (byte b : value) {
          number = (number << 8) | (b & 0xFF);
        }
        return Long.toString(number);
      }
    };
  }

  /** UTF-8 text that must not be empty or contain '/': DNS names, zones, SNI. */
  ValueCodec TEXT =
      utf8(
          text -> {
            if (text.isEmpty()) {
              throw new IllegalArgumentException("empty value");
            }
            if (text.indexOf('/') >= 0) {
              throw new IllegalArgumentException("contains '/'");
            }
          });

  /** A filesystem path: starts with '/', does not end with '/'. It takes the rest of the text. */
  ValueCodec PATH =
      utf8(
          path -> {
            if (path.length() < 2 || path.charAt(0) != '/') {
              throw new IllegalArgumentException("path must start with '/' and name something");
            }
            if (path.endsWith("/")) {
              throw new IllegalArgumentException("path must not end with '/'");
            }
          });

  /** A value stored as its UTF-8 bytes, checked by {@code rules} in both directions. */
  private static ValueCodec utf8(java.util.function.Consumer<String> rules) {
    return new ValueCodec() {
      @Override
      public byte[] parse(String text) {
        rules.accept(text);
        return text.getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public String format(byte[] value) {
        String text = strictUtf8(value);
        rules.accept(text);
        return text;
      }
    };
  }

  /** A peer ID: a multihash, printed in base58; a libp2p-key CID is accepted on input. */
  ValueCodec PEER_ID =
      new ValueCodec() {
        @Override
        public byte[] parse(String text) {
          return PeerIdText.decode(text).toBytes();
        }

        @Override
        public String format(byte[] value) {
          PeerIdText.requireValid(value);
          return PeerIdText.encode(value);
        }
      };

  /**
   * A multihash of any hash function, in any multibase on input, printed as base64url like go.
   */
  ValueCodec CERTHASH =
      new ValueCodec() {
        @Override
        public byte[] parse(String text) {
          byte[] bytes = Multibase.decode(text);
          validate(bytes);
          return bytes;
        }

        @Override
        public String format(byte[] value) {
          Multihash.requireWellFormed(value);
          return Multibase.BASE64URL.encode(value);
        }
      };

  private static String strictUtf8(byte[] value) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("not valid UTF-8");
    }
  }
}
