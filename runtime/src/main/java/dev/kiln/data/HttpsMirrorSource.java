package dev.kiln.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Downloads {@code <baseUrl><file>.gz} over HTTPS. Connects with a short timeout so an
 * unreachable mirror costs little, and gives up on the whole mirror at the first failure.
 */
public final class HttpsMirrorSource implements DatasetSource {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(30);
  /** A stalled body would otherwise block forever: HttpClient has no read timeout. */
  private static final Duration BODY_TIMEOUT = Duration.ofMinutes(5);

  private final String baseUrl;
  private final HttpClient client;

  /**
   * @param baseUrl an {@code https://} URL ending in {@code /}; plain HTTP is refused because
   *     nothing would protect the download before verification
   */
  public HttpsMirrorSource(String baseUrl) {
    if (!baseUrl.startsWith("https://") || !baseUrl.endsWith("/")) {
      throw new IllegalArgumentException("mirror must be an https:// URL ending in /: " + baseUrl);
    }
    this.baseUrl = baseUrl;
    // NORMAL follows redirects except from HTTPS to HTTP.
    this.client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  @Override
  public String description() {
    return "https mirror " + baseUrl;
  }

  @Override
  public Map<String, Path> fetch(List<DatasetFile> wanted, Path workDir, Consumer<String> log)
      throws IOException {
    Map<String, Path> fetched = new HashMap<>();
    for (DatasetFile f : wanted) {
      URI uri = URI.create(baseUrl + f.name() + ".gz");
      Path out = workDir.resolve(f.name() + ".gz");
      download(uri, out, f.size() + (1 << 20)); // gzip of incompressible data is barely larger
      fetched.put(f.name(), out);
    }
    return fetched;
  }

  private void download(URI uri, Path out, long maxBytes) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(HEADERS_TIMEOUT).GET().build();
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + uri, e);
    } catch (IOException e) {
      // The JDK's ConnectException often has no message; say which host failed.
      throw new IOException("cannot reach " + uri.getHost() + " ("
          + DatasetCatalog.oneLine(e) + ")", e);
    }
    try (InputStream body = response.body(); OutputStream os = Files.newOutputStream(out)) {
      if (response.statusCode() != 200) {
        throw new IOException("HTTP " + response.statusCode() + " for " + uri);
      }
      CompletableFuture.delayedExecutor(BODY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .execute(() -> closeQuietly(body));
      byte[] buf = new byte[1 << 16];
      long total = 0;
      for (int r; (r = body.read(buf)) > 0; ) {
        total += r;
        if (total > maxBytes) {
          throw new IOException(uri + " is larger than the expected " + maxBytes + " bytes");
        }
        os.write(buf, 0, r);
      }
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // Only used to abort a stalled download; the reader sees the failure.
    }
  }
}
