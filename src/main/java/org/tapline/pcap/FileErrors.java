package org.tapline.pcap;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens capture files with errors worded as tcpdump words them: the path, then strerror(3)'s text
 * ({@code /tmp/x/y.pcap: No such file or directory}). The JDK leaves the reason out for the three
 * commonest errors (ENOENT, EACCES, EEXIST): they are named by the exception's type instead.
 */
public final class FileErrors {
    private FileErrors() {}

    /** Opens {@code path} for reading; a directory is refused by name (read(2) would say EISDIR later). */
    public static FileChannel openForReading(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new IOException(path + ": Is a directory");
        }
        try {
            return FileChannel.open(path, StandardOpenOption.READ);
        } catch (FileSystemException e) {
            throw explain(path, e);
        }
    }

    /** Creates or truncates {@code path} for writing, as fopen(path, "w") does. */
    public static FileChannel openForWriting(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new IOException(path + ": Is a directory");
        }
        try {
            return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (FileSystemException e) {
            throw explain(path, e);
        }
    }

    /** One line: the path and the reason. */
    public static IOException explain(Path path, FileSystemException e) {
        return new IOException(text(path, e), e);
    }

    /** "PATH: reason" for any failure on a file, strerror's words where the JDK has only a type. */
    public static String text(Path path, IOException e) {
        String reason = switch (e) {
            case NoSuchFileException x -> "No such file or directory";
            case AccessDeniedException x -> "Permission denied";
            case FileAlreadyExistsException x -> "File exists";
            case FileSystemException f when f.getReason() != null -> f.getReason();
            case FileSystemException f -> "I/O error";
            default -> String.valueOf(e.getMessage());
        };
        return path + ": " + reason;
    }
}
