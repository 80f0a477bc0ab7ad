package org.tapline.rpcap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;

import org.tapline.link.PcapLink;
import org.tapline.os.PcapDevice;
import org.tapline.os.PcapDevices;
import org.tapline.os.PcapHandle;

/** The devices and captures of this machine, for one control connection. */
final class LocalHost implements ServerSession.Host {
    private final InetSocketAddress controlLocal;
    private final InetSocketAddress controlRemote;
    private final boolean activeMode;
    private final int dataPort;
    private final SSLContext tls;
    private final boolean excludeOwnTraffic;
    private final Consumer<String> onCaptureFailure;

    LocalHost(InetSocketAddress controlLocal, InetSocketAddress controlRemote, boolean activeMode, int dataPort, SSLContext tls,
              boolean excludeOwnTraffic, Consumer<String> onCaptureFailure) {
        this.controlLocal = controlLocal;
        this.controlRemote = controlRemote;
        this.activeMode = activeMode;
        this.dataPort = dataPort;
        this.tls = tls;
        this.excludeOwnTraffic = excludeOwnTraffic;
        this.onCaptureFailure = onCaptureFailure;
    }

    @Override
    public List<PcapDevice> devices() throws IOException {
        return PcapDevices.findAll();
    }

    @Override
    public int linkType(String device) throws IOException {
        PcapHandle.Options probe = new PcapHandle.Options(1500, false, false, 1 << 16, 1000, PcapHandle.Direction.INOUT);
        try (PcapLink l = PcapLink.open(device, probe)) {
            return l.linkType();
        }
    }

    @Override
    public ServerSession.Capture start(String device, Requests.StartCapture req) throws IOException {
        PcapLink link = PcapLink.open(device, LiveCapture.options(req));
        DataChannel channel = null;
        try {
            link.setFilter(req.filter());
            InetAddress peer = controlRemote.getAddress();
            if ((req.flags() & Rpcap.FLAG_DGRAM) != 0) {
                channel = DataChannel.udp(peer, req.port());
            } else if (activeMode || (req.flags() & Rpcap.FLAG_SERVEROPEN) != 0) {
                channel = DataChannel.connect(peer, req.port(), tls);
            } else {
                channel = DataChannel.passive(controlLocal, controlRemote, dataPort, tls);
            }
            return new LiveCapture(link, channel, LiveCapture.snaplenOf(req), excludeOwnTraffic, onCaptureFailure);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            link.close();
            throw e;
        }
    }
}
