package org.tapline.rpcap;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * "PATH: reason" for a file that could not be read. The JDK's NoSuchFileException and
 * AccessDeniedException carry only the path as their message; here they say what strerror says.
 */
public final class FileReason {
    private FileReason() {}

    public static String of(Path file, IOException e) {
        String reason;
        if (e instanceof NoSuchFileException) {
            reason = "No such file or directory";
        } else if (e instanceof AccessDeniedException) {
            reason = "Permission denied";
        } else if (e instanceof FileSystemException f && f.getReason() != null) {
            reason = f.getReason();
        } else {
            reason = String.valueOf(e.getMessage());
        }
        return file + ": " + reason;
    }
}
