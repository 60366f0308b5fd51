/*
 * The dissector tables that dissectors other than their owner dispatch
 * through.  Each is created when its owner registers (the .tables of the
 * owner's descriptor names it and points here), so a misspelt table is a
 * compile error, not a silent miss.  A table only its owner reads stays
 * static in the owner's file.
 */
#ifndef TAPTOP_TABLES_H
#define TAPTOP_TABLES_H

struct dtable;

extern struct dtable *ethertype_table;	/* "ethertype", owned by eth.c */
extern struct dtable *ip_proto_table;	/* "ip.proto", owned by ip.c */

#endif
