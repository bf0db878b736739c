package io.jlibp2p.crypto;

import io.jlibp2p.testing.SpecRules;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

/**
 * Random damage to a serialized key, and random key data, for the randomized key tests. Whether a
 * result is valid is for {@link KeySpecRules} to say, never for this class.
 */
final class KeyCorruptions {

  /** One kind of damage to {@code 08 <Type> 12 <length> <Data>}. */
  enum Damage {
    /** The encoding cut short. */
    PREFIX,
    /** Random bytes after the encoding. */
    APPENDED,
    /** The Type tag (08) changed. */
    TYPE_TAG,
    /** The Type value changed to any other byte. */
    TYPE_VALUE,
    /** The Data tag (12) changed. */
    DATA_TAG,
    /** The Data length changed, the data kept. */
    DATA_LENGTH,
    /** The Type varint padded with a 00 continuation. */
    NON_MINIMAL_TYPE,
    /** The Data length varint padded with a 00 continuation. */
    NON_MINIMAL_LENGTH,
    /** A second Type or Data field. */
    DUPLICATE_FIELD,
    /** Data before Type. */
    FIELDS_SWAPPED,
    /** Well-formed, but labelled with another key type. */
    RELABELLED,
    /** Well-formed, with the data cut short. */
    DATA_CUT,
    /** Well-formed, with bytes after the data (for Ed25519 private keys, often its public half). */
    DATA_EXTENDED,
    /** Well-formed, with one byte of the data changed. */
    DATA_BYTE_CHANGED
  }

  private KeyCorruptions() {}

  /**
   * @param position the data byte that {@link Damage#DATA_BYTE_CHANGED} changes; ignored otherwise
   */
  static byte[] damage(Damage damage, KeyType type, byte[] data, int position, Random random) {
    int t = type.number();
    byte[] valid = KeySpecRules.message(type, data);
    byte[] length = SpecRules.varint(data.length);
    return switch (damage) {
      case PREFIX -> Arrays.copyOf(valid, random.nextInt(valid.length));
      case APPENDED -> concat(valid, randomBytes(1 + random.nextInt(4), random));
      case TYPE_TAG -> replace(valid, 0, other(0x08, random));
      case TYPE_VALUE -> replace(valid, 1, other(t, random));
      case DATA_TAG -> replace(valid, 2, other(0x12, random));
      case DATA_LENGTH -> {
        int wrong = random.nextInt(data.length + 5);
        yield wrong == data.length
            ? concat(bytes(0x08, t, 0x12), SpecRules.varint(wrong + 1), data)
            : concat(bytes(0x08, t, 0x12), SpecRules.varint(wrong), data);
      }
      case NON_MINIMAL_TYPE -> concat(bytes(0x08, t | 0x80, 0x00, 0x12), length, data);
      case NON_MINIMAL_LENGTH -> {
        byte[] padded = Arrays.copyOf(length, length.length + 1);
        padded[length.length - 1] |= (byte) 0x80;
        yield concat(bytes(0x08, t, 0x12), padded, data);
      }
      case DUPLICATE_FIELD ->
          random.nextBoolean()
              ? concat(bytes(0x08, random.nextInt(4)), valid)
              : concat(valid, bytes(0x12), length, data);
      case FIELDS_SWAPPED -> concat(bytes(0x12), length, data, bytes(0x08, t));
      case RELABELLED -> KeySpecRules.message((t + 1 + random.nextInt(3)) % 4, data);
      case DATA_CUT -> KeySpecRules.message(type, Arrays.copyOf(data, random.nextInt(data.length)));
      case DATA_EXTENDED -> {
        boolean legacyEd25519 = type == KeyType.ED25519 && data.length == 64 && random.nextBoolean();
        byte[] extra =
            legacyEd25519
                ? Arrays.copyOfRange(data, 32, 64)
                : randomBytes(1 + random.nextInt(32), random);
        yield KeySpecRules.message(type, concat(data, extra));
      }
      case DATA_BYTE_CHANGED -> {
        byte[] changed = data.clone();
        changed[position] =
            random.nextBoolean()
                ? (byte) (changed[position] ^ (1 << random.nextInt(8)))
                : (byte) other(changed[position] & 0xFF, random);
        yield KeySpecRules.message(type, changed);
      }
    };
  }

  /**
   * Data for a key of {@code type}: sometimes valid, often the right length or shape but wrong.
   *
   * @param vectorData a valid key's data, for the types whose valid data cannot be made up
   */
  static byte[] randomData(KeyType type, boolean isPublic, byte[] vectorData, Random random) {
    if (random.nextInt(5) == 0) {
      return randomBytes(random.nextInt(100), random);
    }
    if (isPublic) {
      return switch (type) {
        case ED25519 -> randomBytes(32, random);
        case SECP256K1 -> {
          byte[] point = randomBytes(random.nextInt(4) == 0 ? 65 : 33, random);
          point[0] = (byte) (point.length == 65 ? 4 : 2 + random.nextInt(2));
          yield point;
        }
        case ECDSA, RSA -> vectorData;
      };
    }
    return switch (type) {
      case ED25519 -> {
        byte[] seed = randomBytes(32, random);
        yield switch (random.nextInt(3)) {
          case 0 -> concat(seed, randomBytes(32, random));
          case 1 -> concat(seed, KeySpecRules.ed25519PublicKey(seed));
          default -> {
            byte[] publicKey = KeySpecRules.ed25519PublicKey(seed);
            yield concat(seed, publicKey, publicKey);
          }
        };
      }
      case SECP256K1 -> {
        byte[] scalar = randomBytes(32, random);
        if (random.nextInt(4) == 0) {
          Arrays.fill(scalar, 0, 16, (byte) 0xFF); // above the group order n
        }
        yield scalar;
      }
      case ECDSA, RSA -> {
        if (random.nextBoolean()) {
          yield vectorData;
        }
        // Not even a DER SEQUENCE, so certainly not a key.
        byte[] junk = randomBytes(1 + random.nextInt(100), random);
        junk[0] = (byte) other(0x30, random);
        yield junk;
      }
    };
  }

  static byte[] randomBytes(int length, Random random) {
    byte[] out = new byte[length];
    random.nextBytes(out);
    return out;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static byte[] replace(byte[] bytes, int index, int value) {
    byte[] out = bytes.clone();
    out[index] = (byte) value;
    return out;
  }

  /** A byte value other than {@code value}. */
  private static int other(int value, Random random) {
    return (value + 1 + random.nextInt(255)) & 0xFF;
  }
}
