/** The machines commands' lines of `lixiang help`, apart so that help loads no machine. */
export const MACHINES_USAGE = `  lixiang machines list                             the machine definitions this build runs, by version
  lixiang machines migrate --machine M --from N --to N --reason R [--round ID] [--map OLD=NEW ...] [--apply]
                                                    move subjects to another version (a dry run unless --apply)`;
