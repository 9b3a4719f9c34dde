/**
 * Names officers write for provincial agencies, independent of any province: abbreviations with their
 * expansions, canonical spellings of common agencies and agency groups, and vague references that name no one.
 */

/** Abbreviations as written → their expansion; matched on word boundaries, longest first. */
export const ABBREVIATIONS: [RegExp, string][] = [
  [/\bS[ởo]\s*(?:TT\s*&\s*TT|TTTT|TT-TT|TT và TT)(?![\p{L}\d])/giu, 'Sở Thông tin và Truyền thông'],
  [/\bSTTTT\b/g, 'Sở Thông tin và Truyền thông'],
  [/(?<![\p{L}\d])(?:TT\s*&\s*TT|TTTT)(?![\p{L}\d])/gu, 'Thông tin và Truyền thông'],
  [
    /(?<![\p{L}\d])(?:VH\s*,?\s*TT\s*(?:&|và)\s*DL|VHTT\s*&\s*DL|VHTTDL|VH-TT-DL)(?![\p{L}\d])/gu,
    'Văn hóa, Thể thao và Du lịch',
  ],
  [/(?<![\p{L}\d])(?:KH\s*&\s*ĐT|KHĐT|KH-ĐT)(?![\p{L}\d])/gu, 'Kế hoạch và Đầu tư'],
  [
    /(?<![\p{L}\d])(?:LĐ\s*-?\s*TB\s*&\s*XH|LĐTB\s*&\s*XH|LĐTBXH|LĐ-TBXH)(?![\p{L}\d])/gu,
    'Lao động - Thương binh và Xã hội',
  ],
  [/(?<![\p{L}\d])(?:GD\s*&\s*ĐT|GDĐT|GD-ĐT)(?![\p{L}\d])/gu, 'Giáo dục và Đào tạo'],
  [/(?<![\p{L}\d])(?:TN\s*&\s*MT|TNMT|TN-MT)(?![\p{L}\d])/gu, 'Tài nguyên và Môi trường'],
  [/(?<![\p{L}\d])(?:NN\s*&\s*PTNT|NNPTNT|NN-PTNT)(?![\p{L}\d])/gu, 'Nông nghiệp và Phát triển nông thôn'],
  [/(?<![\p{L}\d])(?:KH\s*&\s*CN|KHCN|KH-CN)(?![\p{L}\d])/gu, 'Khoa học và Công nghệ'],
  [/(?<![\p{L}\d])GTVT(?![\p{L}\d])/gu, 'Giao thông vận tải'],
  [/(?<![\p{L}\d])(?:PT\s*-\s*TH|PTTH|PT&TH)(?![\p{L}\d])/gu, 'Phát thanh và Truyền hình'],
  [/(?<![\p{L}\d])TTĐT(?![\p{L}\d])/gu, 'Thông tin điện tử'],
  [/(?<![\p{L}\d])BCH\s*BĐBP(?![\p{L}\d])/gu, 'Bộ Chỉ huy Bộ đội Biên phòng'],
  [/(?<![\p{L}\d])BCH\s*QS(?![\p{L}\d])/gu, 'Bộ Chỉ huy Quân sự'],
  [/(?<![\p{L}\d])BĐBP(?![\p{L}\d])/gu, 'Bộ đội Biên phòng'],
  [/(?<![\p{L}\d])LLVT(?![\p{L}\d])/gu, 'lực lượng vũ trang'],
  [/(?<![\p{L}\d])UBMTTQ(?:VN)?(?![\p{L}\d])/gu, 'Ủy ban Mặt trận Tổ quốc Việt Nam'],
  [/(?<![\p{L}\d])UBND(?![\p{L}\d])/gu, 'Ủy ban nhân dân'],
  [/(?<![\p{L}\d])HĐND(?![\p{L}\d])/gu, 'Hội đồng nhân dân'],
  [/(?<![\p{L}\d])VP(?=\s+(?:UBND|Ủy ban))/gu, 'Văn phòng'],
];

/** Canonical spellings of agencies common to every province (as the text writes them, without the province). */
export const COMMON_AGENCIES: string[] = [
  'Ủy ban nhân dân tỉnh',
  'Hội đồng nhân dân tỉnh',
  'Văn phòng Ủy ban nhân dân tỉnh',
  'Sở Thông tin và Truyền thông',
  'Sở Văn hóa, Thể thao và Du lịch',
  'Sở Kế hoạch và Đầu tư',
  'Sở Lao động - Thương binh và Xã hội',
  'Sở Giáo dục và Đào tạo',
  'Sở Tài chính',
  'Sở Công Thương',
  'Sở Ngoại vụ',
  'Sở Nội vụ',
  'Sở Tư pháp',
  'Sở Y tế',
  'Sở Xây dựng',
  'Sở Giao thông vận tải',
  'Sở Tài nguyên và Môi trường',
  'Sở Nông nghiệp và Phát triển nông thôn',
  'Sở Khoa học và Công nghệ',
  'Sở Du lịch',
  'Thanh tra tỉnh',
  'Công an tỉnh',
  'Bộ Chỉ huy Quân sự tỉnh',
  'Bộ Chỉ huy Bộ đội Biên phòng tỉnh',
  'Ban Tuyên giáo Tỉnh ủy',
  'Ban Dân tộc tỉnh',
  'Ban Chỉ đạo Nhân quyền tỉnh',
  'Ban Chỉ đạo công tác thông tin đối ngoại tỉnh',
  'Đài Phát thanh và Truyền hình tỉnh',
  'Cổng Thông tin điện tử tỉnh',
  'Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh',
  'Tỉnh đoàn',
  'Hội Liên hiệp Phụ nữ tỉnh',
  'Hội Nông dân tỉnh',
  'Hội Cựu chiến binh tỉnh',
  'Liên đoàn Lao động tỉnh',
  'Bộ Thông tin và Truyền thông',
  'Bộ Tư lệnh Bộ đội Biên phòng',
];

/** Canonical names of agency groups and the other ways plans write them. */
export const COMMON_GROUPS: { name: string; aliases: string[] }[] = [
  {
    name: 'các Sở, ban, ngành',
    aliases: [
      'các Sở, ban, ngành tỉnh',
      'các Sở, ban, ngành của tỉnh',
      'các Sở, ban, ngành thuộc Ủy ban nhân dân tỉnh',
      'các Sở, ban, ngành, đoàn thể',
      'các Sở, ban, ngành, đoàn thể tỉnh',
      'các Sở, ban, ngành, đoàn thể của tỉnh',
      'các Sở, ngành',
      'các Sở, ban ngành',
      'các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh',
    ],
  },
  {
    name: 'Ủy ban nhân dân các huyện, thành phố',
    aliases: [
      'Ủy ban nhân dân huyện, thành phố',
      'Ủy ban nhân dân các huyện, thị xã, thành phố',
      'Ủy ban nhân dân các huyện, thành phố, thị xã',
      'các huyện, thành phố',
      'Ủy ban nhân dân cấp huyện',
      'các địa phương',
    ],
  },
  {
    name: 'các cơ quan báo chí',
    aliases: [
      'các cơ quan báo chí của tỉnh',
      'các cơ quan báo chí tỉnh',
      'các cơ quan báo chí trên địa bàn tỉnh',
      'các cơ quan truyền thông của tỉnh',
    ],
  },
  {
    name: 'các đơn vị lực lượng vũ trang',
    aliases: ['đơn vị lực lượng vũ trang', 'các đơn vị lực lượng vũ trang trên địa bàn tỉnh', 'các lực lượng vũ trang'],
  },
  {
    name: 'các tổ chức chính trị - xã hội',
    aliases: ['các tổ chức chính trị - xã hội tỉnh', 'các đoàn thể', 'các đoàn thể tỉnh'],
  },
  {
    name: 'các cơ quan, đơn vị, địa phương',
    aliases: ['các cơ quan, đơn vị, địa phương trong tỉnh', 'các cơ quan, đơn vị, địa phương trên địa bàn tỉnh'],
  },
];

/** References that name no agency ("các cơ quan có liên quan"): dropped from agency lists, kept in the task text. */
export const VAGUE_REFERENCE =
  /^(?:và\s+)?(?:các\s+)?(?:cơ quan|đơn vị|tổ chức|cá nhân|địa phương)(?:[, ]+(?:cơ quan|đơn vị|tổ chức|cá nhân|địa phương))*(?:\s+khác)?\s+(?:có\s+)?liên quan$/iu;

/** First words of an agency name or group; a list piece starting otherwise continues the previous name. */
export const AGENCY_HEAD =
  /^(?:Sở|Ban|Bộ|Ủy ban|Uỷ ban|UBND|HĐND|Hội đồng|Văn phòng|VP|Công an|Báo|Đài|Tạp chí|Cổng|Trang|Trung tâm|Hội|Liên đoàn|Liên hiệp|Đoàn|Tỉnh đoàn|Tỉnh ủy|Thanh tra|Kho bạc|Cục|Chi cục|Viện|Trường|Bưu điện|Mặt trận|Tòa án|Tổng|Đảng ủy|Thông tấn|Ngân hàng|Quân|Bộ Chỉ huy|Bệnh viện|Hải quan|Viettel|VNPT|Sở,|[Cc]ác\s|[Cc]ơ quan\s|[Đđ]ơn vị\s|[Tt]ổ chức\s|[Đđ]oàn thể|[Đđ]ịa phương|[Ll]ực lượng)/u;
