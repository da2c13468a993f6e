package org.easel.nodes.script;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.Map;
import java.util.Set;
import org.graalvm.polyglot.io.FileSystem;

/**
 * The only file system a script sees: read-only, and only the files inside its own folder (so a script
 * can {@code import} a helper module beside it). Any other path, including one reached through a
 * symbolic link or {@code ..}, fails with a {@link SecurityException}.
 */
final class FolderFileSystem implements FileSystem {
    private final Path root;
    private final FileSystem delegate;

    FolderFileSystem(Path folder) {
        Path r = folder.toAbsolutePath().normalize();
        try {
            r = r.toRealPath();
        } catch (IOException ignored) {
            // a folder that does not exist yet: nothing inside it is readable anyway
        }
        this.root = r;
        this.delegate = FileSystem.newReadOnlyFileSystem(FileSystem.newDefaultFileSystem());
        this.delegate.setCurrentWorkingDirectory(root);
    }

    private Path check(Path path) {
        Path p = delegate.toAbsolutePath(path).normalize();
        try {
            p = p.toRealPath();
        } catch (IOException ignored) {
            // does not exist: checked by its normalised path
        }
        if (!p.startsWith(root)) throw new SecurityException("access to " + path + " is denied: scripts may read only their own folder");
        return p;
    }

    @Override public Path parsePath(URI uri) { return delegate.parsePath(uri); }
    @Override public Path parsePath(String path) { return delegate.parsePath(path); }

    @Override
    public void checkAccess(Path path, Set<? extends AccessMode> modes, LinkOption... linkOptions) throws IOException {
        delegate.checkAccess(check(path), modes, linkOptions);
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) {
        throw new SecurityException("scripts may not create folders");
    }

    @Override
    public void delete(Path path) {
        throw new SecurityException("scripts may not delete files");
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        return delegate.newByteChannel(check(path), options, attrs);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
        return delegate.newDirectoryStream(check(dir), filter);
    }

    @Override public Path toAbsolutePath(Path path) { return delegate.toAbsolutePath(path); }

    @Override
    public Path toRealPath(Path path, LinkOption... linkOptions) throws IOException {
        return delegate.toRealPath(check(path), linkOptions);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        return delegate.readAttributes(check(path), attributes, options);
    }
}
