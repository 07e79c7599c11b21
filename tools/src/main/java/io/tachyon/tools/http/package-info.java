/**
 * A small HTTP/1.1 server on the Tachyon TCP API ({@link io.tachyon.tools.http.HttpServer}), used by
 * {@code ./tachyon demo}, and the generated download content it serves
 * ({@link io.tachyon.tools.http.GeneratedContent}).
 */
package io.tachyon.tools.http;
