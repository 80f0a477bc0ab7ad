# Sourced by bin/test (and so by .ci/run, which calls it): the one list of Debian/Ubuntu
# packages the test suite needs, and the code that installs the missing ones.

# Each package with what uses it (grep src/test for the program names). "a|b": either will do
# (Debian 13 and Ubuntu 24.04 renamed libpcap0.8 to libpcap0.8t64; apt-get takes the old name).
test_packages=(
  maven             # mvn: builds and runs the tests
  'libpcap0.8|libpcap0.8t64'  # the library tapline binds through FFM
  libpcap0.8-dev    # pcap/pcap.h for StructLayoutTest's C probe
  gcc libc6-dev     # StructLayoutTest compiles a C probe of the struct layouts
  iproute2          # ip: the lab's namespaces, veth pairs and addresses
  procps            # sysctl in lab namespaces
  iputils-ping      # ping through the lab topologies
  arping            # ARP requests to the userspace stack (Ipv4LabTest)
  hping3            # a fragment flood against the userspace stack (Ipv4LabTest)
  tcpdump           # the reference reader and capturer (interop tests)
  tshark            # tshark: reads our pcap/pcapng files (interop tests)
  wireshark-common  # text2pcap, editcap, mergecap, capinfos: foreign files for our readers
  iperf3            # traffic through puppet links
  iperf             # iPerf2 against the stack's TCP (TcpLabTest)
  iptables          # random loss in lab namespaces (TcpLabTest)
  etherpuppet       # the reference peer of tapline puppet
  ethtool           # offloads off on lab interfaces
  socat             # small TCP/UDP peers and a scripted rpcapd client
  nmap              # nmap -sU: the stack's open and closed UDP ports
  openssl           # certificates for the TLS tests
  passwd            # useradd, userdel, chpasswd: a system account for password logins
  util-linux        # setpriv: runs tapline as an unprivileged user
  ndisc6            # ndisc6: resolves the stack's IPv6 address (Ipv6LabTest)
  radvd             # radvd: the router whose prefix the stack autoconfigures from (Ipv6LabTest)
  thc-ipv6          # atk6-implementation6, atk6-fragmentation6, atk6-toobig6 against the stack (Ipv6AttackLabTest)
)

# Prints the packages of test_packages that dpkg does not list as installed (of "a|b", a).
missing_test_packages() {
  local entry alt found
  for entry in "${test_packages[@]}"; do
    found=""
    for alt in ${entry//|/ }; do
      dpkg-query -W -f='${Status}' "$alt" 2>/dev/null | grep -q 'install ok installed' && found=1
    done
    [ -n "$found" ] || echo "${entry%%|*}"
  done
}

# apt-get install, non-interactive; on failure (no or stale package lists) update and try again.
# tshark would ask whether non-root users may capture: answer no, its default.
install_test_packages() {
  export DEBIAN_FRONTEND=noninteractive
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
  apt-get install -y -q "$@" || { apt-get update -q && apt-get install -y -q "$@"; }
}
