import dev.keycard.core.signedurl.NginxSecureLink;
import dev.keycard.core.signedurl.UrlGrant;
import java.time.Instant;

/**
 * bench/edge.sh's helper, run as a single-file program against keycard-core's classes:
 *   java -cp keycard-core/target/classes bench/NginxSecureLinkTool.java directives SECRET
 *   java -cp keycard-core/target/classes bench/NginxSecureLinkTool.java sign SECRET PATH EXPIRES
 * so the benchmark's nginx runs exactly the directives and URLs keycard's core produces.
 */
public class NginxSecureLinkTool {
  public static void main(String[] args) {
    NginxSecureLink link = NginxSecureLink.of(args[1], false);
    switch (args[0]) {
      case "directives" -> System.out.print(link.nginxDirectives());
      case "sign" -> System.out.println(link.signer().sign(UrlGrant.of(args[2], Instant.ofEpochSecond(Long.parseLong(args[3])))));
      default -> throw new IllegalArgumentException("directives | sign");
    }
  }
}
