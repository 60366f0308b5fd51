/* Placeholder until batch mode lands. */
int main(void) { return 0; }
