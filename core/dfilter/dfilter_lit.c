/*
 * Literal values of the filter language, from their text: numbers, times,
 * addresses and byte strings.  Each converter takes the whole text or
 * fails with tshark 4.0's message.  Names are never resolved: taptop does
 * no DNS, so a host name is simply not an address.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include "dfilter_int.h"

/* Decimal, 0x hex, 0 octal or 0b binary, all of s.  -1 bad, -2 overflow. */
static int
parse_u64(const char *s, uint64_t *out)
{
	unsigned base = 10, d;
	uint64_t v = 0;
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
		base = 2;
		p += 2;
	} else if (p[0] == '0' && p[1] != '\0') {
		base = 8;
		p += 1;
	}
	if (*p == '\0')
		return (-1);
	for (; *p != '\0'; p++) {
		int h = g_ascii_xdigit_value(*p);

		if (h < 0 || (unsigned)h >= base)
			return (-1);
		d = (unsigned)h;
		if (v > (UINT64_MAX - d) / base)
			return (-2);
		v = v * base + d;
	}
	*out = v;
	return (0);
}

bool
lit_uint(const char *s, uint64_t max, uint64_t *out, char **msg)
{
	int r = parse_u64(s, out);

	if (r == -1) {
		*msg = g_strdup_printf("\"%s\" is not a valid number.", s);
		return (false);
	}
	if (r == -2) {
		*msg = g_strdup_printf("\"%s\" causes an integer overflow.", s);
		return (false);
	}
	if (*out > max) {
		*msg = g_strdup_printf("\"%s\" too big for this field, maximum "
		    "%" PRIu64 ".", s, max);
		return (false);
	}
	return (true);
}

bool
lit_int(const char *s, int64_t min, int64_t max, int64_t *out, char **msg)
{
	uint64_t u;
	bool neg = s[0] == '-';

	if (!lit_uint(s + neg, UINT64_MAX, &u, msg))
		return (false);
	if (!neg && u > (uint64_t)max) {
		*msg = g_strdup_printf("\"%s\" too big for this field, maximum "
		    "%" PRId64 ".", s, max);
		return (false);
	}
	if (neg && u > (uint64_t)-(min + 1) + 1) {
		*msg = g_strdup_printf("\"%s\" too small for this field, "
		    "minimum %" PRId64 ".", s, min);
		return (false);
	}
	*out = neg ? (int64_t)(0 - u) : (int64_t)u;
	return (true);
}

/* Seconds with up to nine decimals ("1", "1.5", "0.000001"). */
bool
lit_time(const char *s, int64_t *ns, char **msg)
{
	const char *p = s;
	uint64_t sec = 0, frac = 0;
	int nfrac = 0;

	if (!g_ascii_isdigit(*p))
		goto bad;
	for (; g_ascii_isdigit(*p); p++) {
		if (sec > (uint64_t)INT64_MAX / 1000000000 / 10)
			goto bad;
		sec = sec * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; g_ascii_isdigit(*p); p++) {
			if (++nfrac > 9)
				goto bad;
			frac = frac * 10 + (uint64_t)(*p - '0');
		}
		if (nfrac == 0)
			goto bad;
	}
	if (*p == 's')		/* tshark takes a unit */
		p++;
	if (*p != '\0')
		goto bad;
	for (; nfrac < 9; nfrac++)
		frac *= 10;
	*ns = (int64_t)(sec * 1000000000 + frac);
	return (true);
bad:
	*msg = g_strdup_printf("\"%s\" is not a valid time.", s);
	return (false);
}

bool
lit_double(const char *s, double *out, char **msg)
{
	char *end;

	*out = g_ascii_strtod(s, &end);
	if (*s == '\0' || *end != '\0' || !g_ascii_isdigit(*s)) {
		*msg = g_strdup_printf("\"%s\" is not a valid number.", s);
		return (false);
	}
	return (true);
}

/* One octet of a dotted quad: 0-255 without leading zeros; the longest
 * that is one, as a scanner would take it. */
static size_t
octet_len(const char *s, size_t n, bool last)
{
	size_t i = 0;
	unsigned v = 0;
	size_t best = 0;

	while (i < n && i < 3 && g_ascii_isdigit(s[i])) {
		if (i == 1 && s[0] == '0')
			break;
		v = v * 10 + (unsigned)(s[i] - '0');
		if (v > 255)
			break;
		i++;
		best = i;
	}
	if (!last && best > 0 && best < n && g_ascii_isdigit(s[best]))
		return (0);	/* more digits before the dot: not an octet */
	return (best);
}

size_t
lit_ipv4_prefix(const char *s, size_t n)
{
	size_t i = 0, l;
	int k;

	for (k = 0; k < 4; k++) {
		l = octet_len(s + i, n - i, k == 3);
		if (l == 0)
			return (0);
		i += l;
		if (k < 3) {
			if (i >= n || s[i] != '.')
				return (0);
			i++;
		}
	}
	return (i);
}

static size_t
h16_len(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && i < 4 && g_ascii_isxdigit(s[i]))
		i++;
	return (i);
}

/*
 * The longest prefix of s that is an IPv6 address in one of RFC 4291's
 * text forms: eight groups, or fewer around one "::", the last two groups
 * optionally a dotted quad.  One pass, so scanning stays linear.
 */
size_t
lit_ipv6_prefix(const char *s, size_t n)
{
	size_t i = 0, best = 0, l, v4;
	int groups = 0;
	bool dc = false;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		dc = true;
		i = 2;
		best = 2;
	}
	while (i < n) {
		/* A dotted quad ends the address. */
		v4 = lit_ipv4_prefix(s + i, n - i);
		if (v4 > 0 && ((dc && groups + 2 <= 7) ||
		    (!dc && groups + 2 == 8)) && i + v4 > best)
			best = i + v4;
		l = h16_len(s + i, n - i);
		if (l == 0)
			break;
		if (l < n - i && g_ascii_isxdigit(s[i + l]))
			break;		/* five digits: not a group */
		groups++;
		i += l;
		if ((!dc && groups == 8) || (dc && groups <= 7))
			best = i > best ? i : best;
		if (groups >= 8 || (dc && groups >= 7))
			break;
		if (i + 1 < n && s[i] == ':' && s[i + 1] == ':' && !dc) {
			dc = true;
			i += 2;
			best = i;
			continue;
		}
		if (i + 1 < n && s[i] == ':' && g_ascii_isxdigit(s[i + 1])) {
			i++;
			continue;
		}
		break;
	}
	return (best);
}

/* Splits "addr/prefix"; returns the prefix text or NULL. */
static const char *
split_prefix(const char *s, char *addr, size_t cap)
{
	const char *slash = strchr(s, '/');
	size_t l = slash != NULL ? (size_t)(slash - s) : strlen(s);

	if (l >= cap)
		l = cap - 1;
	memcpy(addr, s, l);
	addr[l] = '\0';
	return (slash != NULL ? slash + 1 : NULL);
}

bool
lit_ipv4(const char *s, uint8_t out[4], int *plen, char **msg)
{
	char addr[64];
	const char *pfx = split_prefix(s, addr, sizeof(addr));
	uint64_t bits = 32;

	if (strlen(addr) != lit_ipv4_prefix(addr, strlen(addr)) ||
	    inet_pton(AF_INET, addr, out) != 1) {
		*msg = g_strdup_printf("\"%s\" is not a valid hostname or IPv4 "
		    "address.", addr);
		return (false);
	}
	if (pfx != NULL) {
		if (!lit_uint(pfx, UINT64_MAX, &bits, msg))
			return (false);
		if (bits > 32) {
			*msg = g_strdup_printf("Netmask bits in a CIDR IPv4 "
			    "address should be <= 32, not %" PRIu64, bits);
			return (false);
		}
	}
	*plen = (int)bits;
	return (true);
}

bool
lit_ipv6(const char *s, uint8_t out[16], int *plen, char **msg)
{
	char addr[128];
	const char *pfx = split_prefix(s, addr, sizeof(addr));
	uint64_t bits = 128;

	if (inet_pton(AF_INET6, addr, out) != 1) {
		*msg = g_strdup_printf("\"%s\" is not a valid hostname or IPv6 "
		    "address.", addr);
		return (false);
	}
	if (pfx != NULL) {
		if (!lit_uint(pfx, UINT64_MAX, &bits, msg))
			return (false);
		if (bits > 128) {
			*msg = g_strdup_printf("Prefix in a IPv6 address should "
			    "be <= 128, not %" PRIu64, bits);
			return (false);
		}
	}
	*plen = (int)bits;
	return (true);
}

/*
 * Hex bytes: pairs (or a lone digit) with an optional ':', '-' or '.'
 * between them ("aa:bb", "aabb", "aa.bb-cc", "aabb.ccdd"), or "0x" and
 * one byte.
 */
static bool
hex_bytes(const char *s, uint8_t *o, size_t *olen)
{
	const char *p = s;
	size_t n = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		if (g_ascii_xdigit_value(p[2]) < 0 ||
		    g_ascii_xdigit_value(p[3]) < 0 || p[4] != '\0')
			return (false);
		o[0] = (uint8_t)(g_ascii_xdigit_value(p[2]) << 4 |
		    g_ascii_xdigit_value(p[3]));
		*olen = 1;
		return (true);
	}
	if (*p == ':')		/* ":9a", a byte that cannot be a name */
		p++;
	while (*p != '\0') {
		int h = g_ascii_xdigit_value(p[0]), l;

		if (h < 0)
			return (false);
		l = g_ascii_xdigit_value(p[1]);
		if (l >= 0) {
			o[n++] = (uint8_t)(h << 4 | l);
			p += 2;
		} else {
			o[n++] = (uint8_t)h;
			p += 1;
		}
		if (*p == ':' || *p == '-' || *p == '.') {
			p++;
			if (*p == '\0')
				return (false);
		}
	}
	*olen = n;
	return (n > 0);
}

bool
lit_bytes(const char *s, uint8_t **out, size_t *len, char **msg)
{
	uint8_t *o = g_malloc(strlen(s) + 1);

	if (!hex_bytes(s, o, len)) {
		g_free(o);
		*msg = g_strdup_printf("\"%s\" is not a valid byte string.", s);
		return (false);
	}
	*out = o;
	return (true);
}

bool
lit_ether(const char *s, uint8_t out[6], char **msg)
{
	uint8_t *b;
	size_t n;
	char *m = NULL;

	if (!lit_bytes(s, &b, &n, &m)) {
		g_free(m);
		*msg = g_strdup_printf("\"%s\" is not a valid Ethernet "
		    "address.", s);
		return (false);
	}
	if (n != 6) {
		*msg = g_strdup_printf("\"%s\" contains too %s bytes to be a "
		    "valid Ethernet address.", s, n < 6 ? "few" : "many");
		g_free(b);
		return (false);
	}
	memcpy(out, b, 6);
	g_free(b);
	return (true);
}
