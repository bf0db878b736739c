package io.jlibp2p.examples;

import io.jlibp2p.core.Libp2pException;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PrivateKey;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Node identities for the tool: a fresh key each run, or a persistent one in a key file holding
 * the libp2p {@code PrivateKey} protobuf, created (readable by its owner only) if missing.
 */
final class Identities {

  private Identities() {}

  static PrivateKey load(Optional<Path> keyFile, KeyType type) {
    if (keyFile.isEmpty()) {
      return PrivateKey.generate(type);
    }
    Path path = keyFile.get();
    try {
      if (Files.exists(path)) {
        PrivateKey key = PrivateKey.unmarshal(Files.readAllBytes(path));
        return key;
      }
      PrivateKey key = PrivateKey.generate(type);
      create(path, key.marshal());
      return key;
    } catch (IOException e) {
      throw new CliException("key file " + path + ": " + e.getMessage(), e);
    } catch (Libp2pException e) {
      throw new CliException("key file " + path + " does not hold a libp2p private key: " + e.getMessage(), e);
    }
  }

  private static void create(Path path, byte[] key) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(path); // not a POSIX file system
    } catch (FileAlreadyExistsException e) {
      throw new CliException("key file " + path + " appeared while it was being created; run again");
    }
    Files.write(path, key, StandardOpenOption.TRUNCATE_EXISTING);
  }
}
