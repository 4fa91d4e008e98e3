// Package listen gives a server its listening sockets: the one a gateway
// command serves on ([Listen]: systemd's, else a Unix socket, else a TCP
// port), a Unix socket that replaces the file an earlier run left
// ([Unix]), and the sockets that let several processes serve one
// address: sockets passed by systemd socket activation ([Sockets],
// [Named]) and SO_REUSEPORT listeners ([ReusePort]). Every
// server of the module takes a net.Listener: simpleserver through
// simpleserver.WithListener, the gateways through their Serve.
//
// With socket activation the processes share one socket and its accept
// queue, so a process can be replaced without losing a connection: start
// the new one on the same socket, then Shutdown the old one. With
// SO_REUSEPORT each process has a socket of its own and the kernel spreads
// new connections across them; connections still queued on a socket that
// closes are reset, unless the kernel migrates them (Linux 5.14+,
// sysctl net.ipv4.tcp_migrate_req=1).
package listen
