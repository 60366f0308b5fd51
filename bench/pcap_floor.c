/*
 * The floor: how fast libpcap alone reads a capture file.
 *
 *	pcap_floor FILE
 *
 * Opens the file with pcap_open_offline and walks it with pcap_next_ex,
 * touching nothing but the record headers, then prints "PACKETS BYTES".
 * No dissector can beat this, so taptop's rate over this one says how much
 * of the time is taptop's own.
 */
#include <inttypes.h>
#include <stdio.h>

#include <pcap/pcap.h>

int
main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const unsigned char *data;
	uint64_t packets = 0, bytes = 0;
	pcap_t *p;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: pcap_floor FILE\n");
		return (2);
	}
	if ((p = pcap_open_offline(argv[1], errbuf)) == NULL) {
		fprintf(stderr, "pcap_floor: %s\n", errbuf);
		return (1);
	}
	while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
		packets++;
		bytes += hdr->len;
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "pcap_floor: %s\n", pcap_geterr(p));
		pcap_close(p);
		return (1);
	}
	pcap_close(p);
	printf("%" PRIu64 " %" PRIu64 "\n", packets, bytes);
	return (0);
}
