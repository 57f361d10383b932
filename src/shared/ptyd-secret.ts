/** Where ptyd's handshake secret lives: beside its socket, in the 0700 run folder, mode 0600. */
export const PTYD_SECRET_FILE = 'ptyd.secret';
