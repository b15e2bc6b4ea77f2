import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.util.DefaultReportImpl;
import java.io.File;

/**
 * Runs Debian's EPUBCheck on many EPUBs in one JVM (its command line takes one file, and a JVM
 * start costs 4 s here). Prints each file's messages as EPUBCheck does, then `RESULT file errors`.
 */
public class EpubCheckMany {
  public static void main(String[] files) {
    for (String name : files) {
      DefaultReportImpl report = new DefaultReportImpl(name);
      new EpubCheck(new File(name), report).doValidate();
      System.out.println("RESULT " + name + " " + (report.getErrorCount() + report.getFatalErrorCount()));
    }
  }
}
