package dev.kiln.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds small ustar archives in memory, including hostile ones real tools refuse to make. */
final class TarFixtures {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  TarFixtures file(String name, byte[] data) {
    return entry(name, (byte) '0', data);
  }

  /** A pax extended header whose {@code path} overrides the next entry's name. */
  TarFixtures paxPath(String path) {
    String rec = " path=" + path + "\n";
    int len = rec.length();
    len += String.valueOf(len + String.valueOf(len).length()).length();
    return entry("PaxHeader", (byte) 'x', (len + rec).getBytes(StandardCharsets.UTF_8));
  }

  TarFixtures entry(String name, byte type, byte[] data) {
    byte[] h = new byte[512];
    put(h, 0, name);
    put(h, 100, "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format("%011o", data.length));
    put(h, 136, "00000000000");
    h[156] = type;
    put(h, 257, "ustar");
    put(h, 263, "00");
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum));
    h[154] = 0;
    out.writeBytes(h);
    out.writeBytes(data);
    out.writeBytes(new byte[(512 - data.length % 512) % 512]);
    return this;
  }

  byte[] tgz() {
    out.writeBytes(new byte[1024]);
    return IdxFixtures.gzip(out.toByteArray());
  }

  private static void put(byte[] h, int off, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(b, 0, h, off, b.length);
  }
}
